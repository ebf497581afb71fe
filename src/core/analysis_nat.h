/*
 * analysis_nat.h - exact natural numbers and fractions for the analysis of
 * decision rules: counts of coalitions (up to 2^n for n members) and the
 * numerators and denominators of power indices (the Shapley-Shubik
 * index's denominator is n!).
 *
 * A struct cn_nat is a plain value of fixed capacity, CN_NAT_BITS bits,
 * enough for 256! (about 2^1684), so every quantity of an electorate of up
 * to CN_NAT_MAX_MEMBERS members fits and arithmetic never allocates nor
 * fails; a result beyond the capacity is a bug, caught by an assertion.
 * A struct cn_ratio is a fraction in lowest terms with a positive
 * denominator.
 *
 * Conversions: cn_nat_str() writes decimal digits; cn_nat_double() and
 * cn_ratio_double() give a double within a relative error of 2^-52 of the
 * value (a ratio: 2^-51), which is what the analysis states as the bound
 * on its floating-point values.
 *
 * Ownership: values live in the caller's storage; nothing is allocated.
 * Pure code: no I/O, no clock, no global state.
 */
#ifndef CN_ANALYSIS_NAT_H
#define CN_ANALYSIS_NAT_H

#include <stddef.h>
#include <stdint.h>

#define CN_NAT_LIMBS 28
#define CN_NAT_BITS (64 * CN_NAT_LIMBS)
#define CN_NAT_MAX_MEMBERS 256
/* Decimal digits of the largest value, and the NUL. */
#define CN_NAT_DIGITS 540

struct cn_nat {
	unsigned n;                 /* limbs in use: w[n-1] != 0, or n == 0 */
	uint64_t w[CN_NAT_LIMBS];   /* little-endian 64-bit limbs */
};

struct cn_ratio {
	struct cn_nat num, den;     /* gcd(num, den) == 1, den > 0 */
};

void cn_nat_zero(struct cn_nat *a);
void cn_nat_set(struct cn_nat *a, uint64_t v);
/* a = the L-limb little-endian number w[0..L). */
void cn_nat_set_words(struct cn_nat *a, const uint64_t *w, unsigned L);
/* a = 2^k. */
void cn_nat_pow2(struct cn_nat *a, unsigned k);
int cn_nat_is_zero(const struct cn_nat *a);
/* <0, 0, >0 as a <, ==, > b. */
int cn_nat_cmp(const struct cn_nat *a, const struct cn_nat *b);
int cn_nat_cmp_u64(const struct cn_nat *a, uint64_t b);

/* r may alias a or b in every operation. */
void cn_nat_add(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b);
/* r = a - b; a >= b. */
void cn_nat_sub(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b);
void cn_nat_mul(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b);
void cn_nat_mul_u64(struct cn_nat *r, const struct cn_nat *a, uint64_t m);
/* q = floor(a / d) (q may be NULL); returns a mod d.  d > 0. */
uint64_t cn_nat_divmod_u64(struct cn_nat *q, const struct cn_nat *a,
			   uint64_t d);
/* q = floor(a / b), rem = a mod b (either may be NULL).  b > 0. */
void cn_nat_divmod(struct cn_nat *q, struct cn_nat *rem,
		   const struct cn_nat *a, const struct cn_nat *b);
void cn_nat_gcd(struct cn_nat *r, const struct cn_nat *a,
		const struct cn_nat *b);
/* a! for a <= CN_NAT_MAX_MEMBERS. */
void cn_nat_factorial(struct cn_nat *r, unsigned a);

/* Decimal digits into buf (at least CN_NAT_DIGITS bytes); returns buf. */
char *cn_nat_str(const struct cn_nat *a, char *buf);
double cn_nat_double(const struct cn_nat *a);

/* r = num/den in lowest terms; den > 0. */
void cn_ratio_set(struct cn_ratio *r, const struct cn_nat *num,
		  const struct cn_nat *den);
double cn_ratio_double(const struct cn_ratio *r);

#endif
