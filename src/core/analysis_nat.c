/*
 * analysis_nat.c - exact natural numbers of fixed capacity and fractions
 * in lowest terms; see analysis_nat.h.
 *
 * Schoolbook arithmetic on 64-bit limbs with unsigned __int128 for the
 * products.  Division is bit by bit (shift and subtract): the numbers are
 * at most a few thousand bits and divided a few times per member, so
 * Knuth's algorithm D would buy nothing worth its length here.
 */
#include "analysis_nat.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* GCC and Clang on 64-bit targets; __extension__ keeps -Wpedantic quiet. */
__extension__ typedef unsigned __int128 u128;

static void trim(struct cn_nat *a)
{
	while (a->n && a->w[a->n - 1] == 0)
		a->n--;
}

void cn_nat_zero(struct cn_nat *a)
{
	a->n = 0;
}

void cn_nat_set(struct cn_nat *a, uint64_t v)
{
	a->w[0] = v;
	a->n = v != 0;
}

void cn_nat_set_words(struct cn_nat *a, const uint64_t *w, unsigned L)
{
	assert(L <= CN_NAT_LIMBS);
	memcpy(a->w, w, L * sizeof(*w));
	a->n = L;
	trim(a);
}

void cn_nat_pow2(struct cn_nat *a, unsigned k)
{
	assert(k < CN_NAT_BITS);
	memset(a->w, 0, (k / 64 + 1) * sizeof(a->w[0]));
	a->w[k / 64] = (uint64_t)1 << (k % 64);
	a->n = k / 64 + 1;
}

int cn_nat_is_zero(const struct cn_nat *a)
{
	return a->n == 0;
}

int cn_nat_cmp(const struct cn_nat *a, const struct cn_nat *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (unsigned i = a->n; i-- > 0;)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

int cn_nat_cmp_u64(const struct cn_nat *a, uint64_t b)
{
	struct cn_nat x;

	cn_nat_set(&x, b);
	return cn_nat_cmp(a, &x);
}

void cn_nat_add(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b)
{
	unsigned n = a->n > b->n ? a->n : b->n;
	uint64_t carry = 0;

	for (unsigned i = 0; i < n; i++) {
		u128 s = (u128)(i < a->n ? a->w[i] : 0) +
			 (i < b->n ? b->w[i] : 0) + carry;
		r->w[i] = (uint64_t)s;
		carry = (uint64_t)(s >> 64);
	}
	if (carry) {
		assert(n < CN_NAT_LIMBS);
		r->w[n++] = carry;
	}
	r->n = n;
}

void cn_nat_sub(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b)
{
	uint64_t borrow = 0;
	unsigned n = a->n;

	assert(cn_nat_cmp(a, b) >= 0);
	for (unsigned i = 0; i < n; i++) {
		uint64_t y = i < b->n ? b->w[i] : 0;
		uint64_t x = a->w[i];
		uint64_t d = x - y - borrow;

		borrow = (x < y) || (x == y && borrow);
		r->w[i] = d;
	}
	r->n = n;
	trim(r);
}

void cn_nat_mul(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b)
{
	uint64_t t[2 * CN_NAT_LIMBS] = {0};
	unsigned n;

	if (!a->n || !b->n) {
		r->n = 0;
		return;
	}
	for (unsigned i = 0; i < a->n; i++) {
		uint64_t carry = 0;

		for (unsigned j = 0; j < b->n; j++) {
			u128 p = (u128)a->w[i] * b->w[j] + t[i + j] + carry;
			t[i + j] = (uint64_t)p;
			carry = (uint64_t)(p >> 64);
		}
		t[i + b->n] = carry;
	}
	n = a->n + b->n;
	while (n && t[n - 1] == 0)
		n--;
	assert(n <= CN_NAT_LIMBS);
	memcpy(r->w, t, n * sizeof(t[0]));
	r->n = n;
}

void cn_nat_mul_u64(struct cn_nat *r, const struct cn_nat *a, uint64_t m)
{
	uint64_t carry = 0;
	unsigned n = a->n;

	for (unsigned i = 0; i < n; i++) {
		u128 p = (u128)a->w[i] * m + carry;
		r->w[i] = (uint64_t)p;
		carry = (uint64_t)(p >> 64);
	}
	r->n = n;
	if (carry) {
		assert(n < CN_NAT_LIMBS);
		r->w[r->n++] = carry;
	}
	trim(r);
}

uint64_t cn_nat_divmod_u64(struct cn_nat *q, const struct cn_nat *a,
			   uint64_t d)
{
	struct cn_nat t;
	u128 rem = 0;

	assert(d > 0);
	t.n = a->n;
	for (unsigned i = a->n; i-- > 0;) {
		rem = rem << 64 | a->w[i];
		t.w[i] = (uint64_t)(rem / d);
		rem %= d;
	}
	trim(&t);
	if (q)
		*q = t;
	return (uint64_t)rem;
}

static unsigned bit_length(const struct cn_nat *a)
{
	if (!a->n)
		return 0;
	return 64 * (a->n - 1) + 64 - (unsigned)__builtin_clzll(a->w[a->n - 1]);
}

/* a <<= 1, with the bit `in` entering at the bottom. */
static void shl1(struct cn_nat *a, unsigned in)
{
	uint64_t carry = in;

	for (unsigned i = 0; i < a->n; i++) {
		uint64_t top = a->w[i] >> 63;

		a->w[i] = a->w[i] << 1 | carry;
		carry = top;
	}
	if (carry) {
		assert(a->n < CN_NAT_LIMBS);
		a->w[a->n++] = carry;
	}
	if (a->n == 0 && in)
		cn_nat_set(a, 1);
}

void cn_nat_divmod(struct cn_nat *q, struct cn_nat *rem,
		   const struct cn_nat *a, const struct cn_nat *b)
{
	struct cn_nat qt, r;
	unsigned bits = bit_length(a);

	assert(b->n > 0);
	if (b->n == 1) {
		uint64_t m = cn_nat_divmod_u64(&qt, a, b->w[0]);
		if (q)
			*q = qt;
		if (rem)
			cn_nat_set(rem, m);
		return;
	}
	memset(qt.w, 0, sizeof(qt.w));
	qt.n = a->n;
	cn_nat_zero(&r);
	for (unsigned i = bits; i-- > 0;) {
		shl1(&r, (unsigned)(a->w[i / 64] >> (i % 64)) & 1u);
		if (cn_nat_cmp(&r, b) >= 0) {
			cn_nat_sub(&r, &r, b);
			qt.w[i / 64] |= (uint64_t)1 << (i % 64);
		}
	}
	trim(&qt);
	if (q)
		*q = qt;
	if (rem)
		*rem = r;
}

static unsigned trailing_zeros(const struct cn_nat *a)
{
	unsigned i = 0;

	while (a->w[i] == 0)
		i++;
	return 64 * i + (unsigned)__builtin_ctzll(a->w[i]);
}

static void shr(struct cn_nat *a, unsigned k)
{
	unsigned limbs = k / 64, bits = k % 64;

	if (limbs >= a->n) {
		a->n = 0;
		return;
	}
	for (unsigned i = 0; i + limbs < a->n; i++) {
		uint64_t lo = a->w[i + limbs] >> bits;
		uint64_t hi = bits && i + limbs + 1 < a->n
				      ? a->w[i + limbs + 1] << (64 - bits)
				      : 0;
		a->w[i] = lo | hi;
	}
	a->n -= limbs;
	trim(a);
}

static void shl(struct cn_nat *a, unsigned k)
{
	unsigned limbs = k / 64, bits = k % 64;
	uint64_t t[CN_NAT_LIMBS + 1] = {0};

	if (!a->n)
		return;
	assert(a->n + limbs + 1 <= CN_NAT_LIMBS + 1);
	for (unsigned i = 0; i < a->n; i++) {
		t[i + limbs] |= a->w[i] << bits;
		if (bits)
			t[i + limbs + 1] |= a->w[i] >> (64 - bits);
	}
	a->n += limbs + 1;
	assert(t[CN_NAT_LIMBS] == 0);
	if (a->n > CN_NAT_LIMBS)
		a->n = CN_NAT_LIMBS;
	memcpy(a->w, t, a->n * sizeof(t[0]));
	trim(a);
}

/* Binary GCD (Stein): shifts and subtractions only. */
void cn_nat_gcd(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b)
{
	struct cn_nat u = *a, v = *b;
	unsigned k;

	if (!u.n) {
		*r = v;
		return;
	}
	if (!v.n) {
		*r = u;
		return;
	}
	unsigned zu = trailing_zeros(&u), zv = trailing_zeros(&v);
	k = zu < zv ? zu : zv;
	shr(&u, zu);
	shr(&v, zv);
	for (;;) {
		/* u and v odd */
		int c = cn_nat_cmp(&u, &v);
		if (c == 0)
			break;
		if (c > 0) {
			cn_nat_sub(&u, &u, &v);
			shr(&u, trailing_zeros(&u));
		} else {
			cn_nat_sub(&v, &v, &u);
			shr(&v, trailing_zeros(&v));
		}
	}
	shl(&u, k);
	*r = u;
}

void cn_nat_factorial(struct cn_nat *r, unsigned a)
{
	assert(a <= CN_NAT_MAX_MEMBERS);
	cn_nat_set(r, 1);
	for (unsigned i = 2; i <= a; i++)
		cn_nat_mul_u64(r, r, i);
}

/* The decimal digits of v (at least one) at buf; returns how many. */
static size_t u64_digits(char *buf, uint64_t v)
{
	char t[20];
	size_t n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	return n;
}

char *cn_nat_str(const struct cn_nat *a, char *buf)
{
	/* Groups of 19 digits, least significant first. */
	static const uint64_t E19 = 10000000000000000000ull;
	uint64_t groups[CN_NAT_DIGITS / 19 + 1];
	struct cn_nat t = *a;
	size_t ng = 0, len = 0;

	if (!t.n) {
		buf[0] = '0';
		buf[1] = '\0';
		return buf;
	}
	while (t.n)
		groups[ng++] = cn_nat_divmod_u64(&t, &t, E19);
	len = u64_digits(buf, groups[ng - 1]);
	for (size_t i = ng - 1; i-- > 0;) {
		char g[20];
		uint64_t v = groups[i];
		for (int d = 18; d >= 0; d--) {
			g[d] = (char)('0' + v % 10);
			v /= 10;
		}
		memcpy(buf + len, g, 19);
		len += 19;
	}
	buf[len] = '\0';
	return buf;
}

/* The top 64 bits, truncated, times a power of two: the truncation loses
 * less than 2^-63 relatively and the conversion to double rounds once
 * (2^-53), so the result is within 2^-52 of the value. */
double cn_nat_double(const struct cn_nat *a)
{
	unsigned bits = bit_length(a);
	struct cn_nat t = *a;

	if (bits <= 64)
		return a->n ? (double)a->w[0] : 0.0;
	shr(&t, bits - 64);
	return ldexp((double)t.w[0], (int)(bits - 64));
}

void cn_ratio_set(struct cn_ratio *r, const struct cn_nat *num,
		  const struct cn_nat *den)
{
	struct cn_nat g;

	assert(den->n > 0);
	if (!num->n) {
		cn_nat_zero(&r->num);
		cn_nat_set(&r->den, 1);
		return;
	}
	cn_nat_gcd(&g, num, den);
	cn_nat_divmod(&r->num, NULL, num, &g);
	cn_nat_divmod(&r->den, NULL, den, &g);
}

/* Each part within 2^-52, the quotient rounded once more: within 2^-51. */
double cn_ratio_double(const struct cn_ratio *r)
{
	unsigned bn = bit_length(&r->num), bd = bit_length(&r->den);
	struct cn_nat n = r->num, d = r->den;
	int shift = 0;

	/* Scale both to at most 1000 bits so neither overflows a double. */
	if (bn > 1000) {
		shr(&n, bn - 1000);
		shift += (int)(bn - 1000);
	}
	if (bd > 1000) {
		shr(&d, bd - 1000);
		shift -= (int)(bd - 1000);
	}
	return ldexp(cn_nat_double(&n) / cn_nat_double(&d), shift);
}
