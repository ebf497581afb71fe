/*
 * analysis_gf.h - the Banzhaf swings, the Shapley-Shubik swings by
 * coalition size, and the minimal and blocking coalitions of a weighted
 * majority game (one weight vector, one quota) from its generating
 * functions.
 *
 * Banzhaf.  The coefficient of x^s in prod_i (1 + x^{w_i}) counts the
 * coalitions of weight s (Brams and Affuso, 1976).  The textbook method
 * divides (1 + x^{w_i}) back out for each member, O(q) each.  Here the
 * quotient is never formed: with P[s] the number of coalitions of weight
 * below s, member i's swings (coalitions T without i, q - w_i <= w(T) < q)
 * are
 *
 *     sum_{k >= 0} (-1)^k (P[q - k w_i] - P[max(0, q - (k+1) w_i)]),
 *
 * which unrolls g[s] = f[s] - g[s - w_i], so each member costs q / w_i
 * terms and the whole game one pass of the product truncated at q, its
 * members taken lightest first so that the early passes are short.
 *
 * Shapley-Shubik.  The same with a second variable for the coalition's
 * size, prod_i (1 + y x^{w_i}) (Leech's ssgenf, 2003), truncated at
 * weight q and at the largest size that can weigh less than q; member i's
 * swings into coalitions of k others are
 *
 *     sum_{j >= 0} (-1)^j (P_{k-j}[q - j w_i] - P_{k-j}[max(0, q - (j+1) w_i)])
 *
 * with P_k the prefix sums of the coefficients of y^k: O(n q / w_i) per
 * member instead of the textbook's O(n q) division.
 *
 * Counts are L-limb little-endian numbers (L 64-bit words each, enough for
 * 2^n); while the product has taken i members its coefficients are below
 * 2^i and only i / 64 + 1 words are added.  Ownership: the caller's
 * arrays.  Pure code.
 */
#ifndef CN_ANALYSIS_GF_H
#define CN_ANALYSIS_GF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The work the method needs for weights w[0..n) (all >= 0) and quota q
 * (0 < q <= sum w), with or without the sizes (Shapley-Shubik): memory in
 * words and additions of counts, so a caller can decline a game too
 * large. */
void cn_gf_cost(const int64_t *w, size_t n, int64_t q, unsigned L,
		int by_size, uint64_t *words, uint64_t *adds);

/* winning[0..L) = coalitions of weight >= q; swings[i*L..(i+1)*L) =
 * member i's swings.  CN_ENOMEM. */
int cn_gf_banzhaf(const int64_t *w, size_t n, int64_t q, unsigned L,
		  uint64_t *winning, uint64_t *swings) CN_NODISCARD;

/* winning as above; sw[(i*n + k)*L..] = member i's swings into
 * coalitions of k others (k < n).  CN_ENOMEM. */
int cn_gf_shapley(const int64_t *w, size_t n, int64_t q, unsigned L,
		  uint64_t *winning, uint64_t *sw) CN_NODISCARD;

/* The coalitions of the weighted majority [q; w] (0 < q <= sum w), as
 * analysis.h defines them: minimal winning and minimal blocking (L words
 * each), the smallest blocking coalitions (size, count in L words, and
 * one of them, member indices in electorate order, in the caller's array
 * of n), proper and strong.  The members are ordered heaviest first; a
 * weighted majority is complete in that order, so a winning coalition is
 * minimal exactly when it loses without its last member, which one pass
 * of the product (members heaviest first) counts; blocking coalitions
 * are the winning ones of the dual majority [sum w - q + 1; w]. */
struct cn_gf_coalitions {
	uint64_t *minimal_winning, *minimal_blocking, *blocking_count;
	size_t blocking_size;
	size_t *blocking_example;
	int proper, strong;
};

enum { CN_GF_MINIMAL = 1, CN_GF_BLOCKING = 2 };

/* Memory in words and additions of counts that cn_gf_coalitions needs for
 * each part: [0] the minimal coalitions (with proper and strong), [1] the
 * smallest blocking ones. */
void cn_gf_coalitions_cost(const int64_t *w, size_t n, int64_t q, unsigned L,
			   uint64_t words[2], uint64_t adds[2]);

/* The parts asked (CN_GF_*) into out.  CN_ENOMEM. */
int cn_gf_coalitions(const int64_t *w, size_t n, int64_t q, unsigned L,
		     unsigned parts, struct cn_gf_coalitions *out) CN_NODISCARD;

#endif
