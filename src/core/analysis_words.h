/*
 * analysis_words.h - arithmetic on counts held as L little-endian 64-bit
 * words, for the inner loops of the analysis (analysis.c, analysis_gf.c).
 *
 * A count of coalitions of n members is below 2^n, so L = n / 64 + 1
 * words hold it, and so does every product the analysis forms (paths to
 * a node times paths from it).  Sums wrap modulo 2^(64 L) like unsigned
 * integers: exact whenever the true value fits, which the callers
 * guarantee.  Static inline, one word fast: most electorates have fewer
 * than 64 members and then L is 1.
 *
 * Ownership: the caller's arrays.  Pure code.
 */
#ifndef CN_ANALYSIS_WORDS_H
#define CN_ANALYSIS_WORDS_H

#include <stdint.h>
#include <string.h>

/* GCC and Clang on 64-bit targets; __extension__ keeps -Wpedantic quiet. */
__extension__ typedef unsigned __int128 cn_u128;

/* a += b */
static inline void w_add(uint64_t *a, const uint64_t *b, unsigned L)
{
	cn_u128 c = 0;

	if (L == 1) {
		a[0] += b[0];
		return;
	}
	for (unsigned i = 0; i < L; i++) {
		c += (cn_u128)a[i] + b[i];
		a[i] = (uint64_t)c;
		c >>= 64;
	}
}

/* a -= b (a >= b) */
static inline void w_sub(uint64_t *a, const uint64_t *b, unsigned L)
{
	uint64_t borrow = 0;

	if (L == 1) {
		a[0] -= b[0];
		return;
	}
	for (unsigned i = 0; i < L; i++) {
		uint64_t x = a[i], y = b[i];
		a[i] = x - y - borrow;
		borrow = (x < y) || (x == y && borrow);
	}
}

/* a += b * c, modulo 2^(64 L) */
static inline void w_mul_add(uint64_t *a, const uint64_t *b,
			     const uint64_t *c, unsigned L)
{
	if (L == 1) {
		a[0] += b[0] * c[0];
		return;
	}
	for (unsigned i = 0; i < L; i++) {
		cn_u128 carry = 0;
		if (!b[i])
			continue;
		for (unsigned j = 0; i + j < L; j++) {
			carry += (cn_u128)b[i] * c[j] + a[i + j];
			a[i + j] = (uint64_t)carry;
			carry >>= 64;
		}
	}
}

/* a += b << k, modulo 2^(64 L) */
static inline void w_add_shl(uint64_t *a, const uint64_t *b, unsigned k,
			     unsigned L)
{
	unsigned words = k / 64, bits = k % 64;
	cn_u128 c = 0;

	if (L == 1) {
		a[0] += k < 64 ? b[0] << k : 0;
		return;
	}
	for (unsigned i = 0; i < L; i++) {
		uint64_t v = 0;
		if (i >= words) {
			v = b[i - words] << bits;
			if (bits && i > words)
				v |= b[i - words - 1] >> (64 - bits);
		}
		c += (cn_u128)a[i] + v;
		a[i] = (uint64_t)c;
		c >>= 64;
	}
}

static inline int w_is_zero(const uint64_t *a, unsigned L)
{
	for (unsigned i = 0; i < L; i++)
		if (a[i])
			return 0;
	return 1;
}

/* <0, 0, >0 */
static inline int w_cmp(const uint64_t *a, const uint64_t *b, unsigned L)
{
	for (unsigned i = L; i-- > 0;)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

#endif
