/*
 * test_rule.c - unit tests for the decision-rule language (src/core/rule.c).
 *
 * Every expected verdict and explanation below was worked out by hand from
 * the rules in docs/RULES.md; the arithmetic is written next to the case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/rule.h"

#define MAXV 64

/* The 31 NATO members before Sweden joined, in order of accession (as in
 * data/nato.json); electorate order decides the order codes are
 * listed in explanations. */
static const char *const nato31[] = {
	"BE", "CA", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT", "GB",
	"US", "GR", "TR", "DE", "ES", "CZ", "HU", "PL", "BG", "EE", "LV",
	"LT", "RO", "SK", "SI", "AL", "HR", "ME", "MK", "FI",
};

/* The UN Security Council in January 2020 (res. 2504): P5 first. */
static const char *const unsc15[] = {
	"CN", "FR", "GB", "RU", "US", "BE", "DO", "EE", "DE", "ID",
	"NE", "VC", "ZA", "TN", "VN",
};

static const char unsc_rule[] =
	"count(concur) >= 9 and none(object in {CN FR GB RU US})";

/* EU of 27 with the population shares for qualified-majority voting in
 * 2025, from the figures of Annex III to the Council's Rules of Procedure
 * as Coreper approved them on 11 December 2024 (Agence Europe, 12
 * December 2024, https://agenceurope.eu/en/bulletin/article/13544/22/).
 * They sum to 100.01; shares below are of that sum. */
static const struct pop {
	const char *code;
	double pct;
} eu27[] = {
	{ "DE", 18.49 }, { "FR", 15.17 }, { "IT", 13.23 }, { "ES", 10.78 },
	{ "PL", 8.33 }, { "RO", 4.23 }, { "NL", 4.01 }, { "BE", 2.62 },
	{ "CZ", 2.42 }, { "PT", 2.36 }, { "SE", 2.34 }, { "GR", 2.31 },
	{ "HU", 2.13 }, { "AT", 2.02 }, { "BG", 1.43 }, { "DK", 1.32 },
	{ "FI", 1.25 }, { "SK", 1.21 }, { "IE", 1.19 }, { "HR", 0.86 },
	{ "LT", 0.64 }, { "SI", 0.47 }, { "LV", 0.42 }, { "EE", 0.30 },
	{ "CY", 0.21 }, { "LU", 0.15 }, { "MT", 0.12 },
};
#define NEU (sizeof(eu27) / sizeof(eu27[0]))

static const char eu_qmv[] =
	"count(concur) >= 55% of electorate and "
	"weight(concur, population) >= 65% of electorate";

/* EU CFSP unanimity with constructive abstention (TEU Art. 31(1)): no
 * vote against, everyone has voted, and not adopted if the declared
 * abstainers are at least 1/3 of states and at least 1/3 of population. */
static const char eu_cfsp[] =
	"none(object) and count(silent) == 0 and "
	"(count(declared) < 1/3 of electorate or "
	"weight(declared, population) < 1/3 of electorate)";

struct elect {
	struct cn_voter v[MAXV];
	size_t n;
	/* attribute table for weight(): population, or missing for `skip` */
	const char *skip;
};

static void elect_init(struct elect *e, const char *const *codes, size_t n)
{
	assert_true(n <= MAXV);
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < n; i++)
		e->v[i].code = codes[i];
	e->n = n;
}

static void elect_eu(struct elect *e)
{
	const char *codes[NEU];

	for (size_t i = 0; i < NEU; i++)
		codes[i] = eu27[i].code;
	elect_init(e, codes, NEU);
}

/* Index of `code` in the electorate; fails the test if absent. */
static size_t find(const struct elect *e, const char *code, size_t len)
{
	for (size_t i = 0; i < e->n; i++) {
		if (strlen(e->v[i].code) == len &&
		    memcmp(e->v[i].code, code, len) == 0)
			return i;
	}
	fail_msg("unknown code %.*s", (int)len, code);
	return 0;
}

/* Set the position of each space-separated code in `codes`; `declared`
 * also marks the abstention as declared. */
static void setpos_decl(struct elect *e, const char *codes, enum cn_pos pos,
			int declared)
{
	const char *c = codes;

	while (*c) {
		size_t len = strcspn(c, " ");

		if (len) {
			size_t i = find(e, c, len);

			e->v[i].pos = pos;
			e->v[i].declared = declared;
		}
		c += len;
		c += strspn(c, " ");
	}
}

static void setpos(struct elect *e, const char *codes, enum cn_pos pos)
{
	setpos_decl(e, codes, pos, 0);
}

/* Set every voter still silent to `pos`. */
static void setrest(struct elect *e, enum cn_pos pos)
{
	for (size_t i = 0; i < e->n; i++) {
		if (e->v[i].pos == CN_POS_NONE)
			e->v[i].pos = pos;
	}
}

static void setdeclared(struct elect *e, const char *codes)
{
	setpos_decl(e, codes, CN_POS_ABSTAIN, 1);
}

static size_t count_pos(const struct elect *e, enum cn_pos pos)
{
	size_t k = 0;

	for (size_t i = 0; i < e->n; i++)
		k += e->v[i].pos == pos;
	return k;
}

static int pop_attr(void *ctx, const char *member, const char *name,
		    double *out)
{
	const struct elect *e = ctx;

	if (strcmp(name, "population") != 0)
		return CN_ENOTFOUND;
	if (e->skip && strcmp(member, e->skip) == 0)
		return CN_ENOTFOUND;
	for (size_t i = 0; i < NEU; i++) {
		if (strcmp(eu27[i].code, member) == 0) {
			*out = eu27[i].pct;
			return 0;
		}
	}
	return CN_ENOTFOUND;
}

static void join(char *buf, size_t cap, char **list, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(buf, " ", cap - strlen(buf) - 1);
		strncat(buf, list[i], cap - strlen(buf) - 1);
	}
}

static struct cn_rule *parse_ok(const char *src)
{
	struct cn_err err = { 0 };
	struct cn_rule *r = NULL;
	int rc = cn_rule_parse(src, &r, &err);

	if (rc != 0)
		fail_msg("parse of \"%s\" failed: %s", src, err.msg);
	assert_non_null(r);
	return r;
}

/* Parse and evaluate `src`, then check verdict, explanation and the
 * blocking and holding lists (space-separated codes, "" for none). */
static void check(const char *src, struct elect *e, int final,
		  enum cn_verdict verdict, const char *explanation,
		  const char *blocking, const char *holding)
{
	struct cn_rule *r = parse_ok(src);
	struct cn_rule_input in = {
		.voters = e->v, .nvoters = e->n, .final = final,
		.attr = pop_attr, .attr_ctx = e,
	};
	struct cn_rule_result res;
	struct cn_err err = { 0 };
	char buf[512];
	int rc = cn_rule_eval(r, &in, &res, &err);

	if (rc != 0)
		fail_msg("eval of \"%s\" failed: %s", src, err.msg);
	assert_string_equal(res.explanation, explanation);
	assert_string_equal(cn_verdict_name(res.verdict),
			    cn_verdict_name(verdict));
	join(buf, sizeof(buf), res.blocking, res.nblocking);
	assert_string_equal(buf, blocking);
	join(buf, sizeof(buf), res.holding, res.nholding);
	assert_string_equal(buf, holding);
	cn_rule_result_release(&res);
	assert_null(res.explanation);
	cn_rule_free(r);
}

static void check_parse_error(const char *src, const char *msg)
{
	struct cn_err err = { 0 };
	struct cn_rule *r = (struct cn_rule *)1;

	assert_int_equal(cn_rule_parse(src, &r, &err), CN_EINVAL);
	assert_null(r);
	assert_int_equal(err.code, CN_EINVAL);
	assert_string_equal(err.msg, msg);
}

/* ---------------------------------------------------------------------- */

static void test_names(void **state)
{
	enum cn_pos p = CN_POS_CONCUR;

	(void)state;
	assert_string_equal(cn_pos_name(CN_POS_NONE), "silent");
	assert_string_equal(cn_pos_name(CN_POS_CONCUR), "concur");
	assert_string_equal(cn_pos_name(CN_POS_OBJECT), "object");
	assert_string_equal(cn_pos_name(CN_POS_ABSTAIN), "abstain");
	assert_string_equal(cn_pos_name(CN_POS_RESERVE), "reserve");
	assert_string_equal(cn_pos_name(CN_POS_FOOTNOTE), "footnote");
	assert_string_equal(cn_pos_name((enum cn_pos)99), "unknown");
	assert_int_equal(cn_pos_parse("footnote", &p), 0);
	assert_int_equal(p, CN_POS_FOOTNOTE);
	assert_int_equal(cn_pos_parse("silent", &p), 0);
	assert_int_equal(p, CN_POS_NONE);
	assert_int_equal(cn_pos_parse("Concur", &p), CN_EINVAL);
	assert_int_equal(cn_pos_parse("declared", &p), CN_EINVAL);
	assert_int_equal(cn_pos_parse(NULL, &p), CN_EINVAL);
	assert_int_equal(p, CN_POS_NONE);
	assert_string_equal(cn_verdict_name(CN_VERDICT_PENDING), "pending");
	assert_string_equal(cn_verdict_name(CN_VERDICT_ADOPTED), "adopted");
	assert_string_equal(cn_verdict_name(CN_VERDICT_BLOCKED), "blocked");
	assert_string_equal(cn_verdict_name(CN_VERDICT_FAILED), "failed");
}

static void test_consensus_nato(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	/* Silence is consent. */
	check("consensus", &e, 0, CN_VERDICT_ADOPTED,
	      "adopted: no objection among 31 members", "", "");
	/* Abstention and a footnote do not block either. */
	setpos(&e, "GB", CN_POS_ABSTAIN);
	setpos(&e, "TR", CN_POS_FOOTNOTE);
	setpos(&e, "US DE", CN_POS_CONCUR);
	check("consensus", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: no objection among 31 members", "", "");
	/* Tokyo office, 2023: France objects. */
	setpos(&e, "FR", CN_POS_OBJECT);
	check("consensus", &e, 0, CN_VERDICT_BLOCKED,
	      "blocked: FR objects", "FR", "");
	/* Two objectors, listed in electorate order (FR is 4th, HU 18th). */
	setpos(&e, "HU", CN_POS_OBJECT);
	check("consensus", &e, 0, CN_VERDICT_BLOCKED,
	      "blocked: FR, HU object", "FR HU", "");
	/* An objection beats a reservation; the reserver is not "holding"
	 * something that is already blocked. */
	setpos(&e, "HU", CN_POS_RESERVE);
	check("consensus", &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: FR objects", "FR", "");
}

static void test_consensus_reservation(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	setpos(&e, "HU", CN_POS_RESERVE);
	check("consensus", &e, 0, CN_VERDICT_PENDING,
	      "pending: reservation by HU", "", "HU");
	/* Still pending at the deadline: a reservation holds everything. */
	check("consensus", &e, 1, CN_VERDICT_PENDING,
	      "pending: reservation by HU", "", "HU");
	/* TR (14th) comes before HU (18th) in the electorate. */
	setpos(&e, "TR", CN_POS_RESERVE);
	check("consensus", &e, 0, CN_VERDICT_PENDING,
	      "pending: reservations by TR, HU", "", "TR HU");
}

static void test_consensus_many_objectors(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	/* The first twelve members object: ten are named, two counted. */
	setpos(&e, "BE CA DK FR IS IT LU NL NO PT GB US", CN_POS_OBJECT);
	check("consensus", &e, 0, CN_VERDICT_BLOCKED,
	      "blocked: BE, CA, DK, FR, IS, IT, LU, NL, NO, PT and 2 more object",
	      "BE CA DK FR IS IT LU NL NO PT GB US", "");
}

static void test_unanimity(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	setrest(&e, CN_POS_CONCUR);
	setpos(&e, "DK", CN_POS_FOOTNOTE); /* a footnote is a concurrence */
	check("unanimity", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: all 31 members concur", "", "");

	/* DE silent and IT abstaining: not yet unanimous; IT (6th) is
	 * listed before DE (15th). */
	setpos(&e, "DE", CN_POS_NONE);
	setpos(&e, "IT", CN_POS_ABSTAIN);
	check("unanimity", &e, 0, CN_VERDICT_PENDING,
	      "pending: awaiting concurrence from IT, DE", "", "");
	check("unanimity", &e, 1, CN_VERDICT_FAILED,
	      "failed: 2 of 31 members did not concur: IT, DE", "", "");

	/* A reservation holds even at conclusion. */
	setpos(&e, "HU", CN_POS_RESERVE);
	check("unanimity", &e, 1, CN_VERDICT_PENDING,
	      "pending: reservation by HU", "", "HU");
	/* An objection blocks. */
	setpos(&e, "PL", CN_POS_OBJECT);
	check("unanimity", &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: PL objects", "PL", "");
}

static void test_unanimity_long_list(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	/* Only the last 19 concur; the first 12 have not. */
	for (size_t i = 12; i < 31; i++)
		e.v[i].pos = CN_POS_CONCUR;
	check("unanimity", &e, 0, CN_VERDICT_PENDING,
	      "pending: awaiting concurrence from BE, CA, DK, FR, IS, IT, LU, "
	      "NL, NO, PT and 2 more", "", "");
	check("unanimity", &e, 1, CN_VERDICT_FAILED,
	      "failed: 12 of 31 members did not concur: BE, CA, DK, FR, IS, "
	      "IT, LU, NL, NO, PT and 2 more", "", "");
}

/* 2/3 of 31 = 20 2/3: 21 passes, 20 does not (3*20 = 60 < 62 = 2*31). */
static void test_two_thirds_boundary(void **state)
{
	static const char rule[] = "count(concur) >= 2/3 of electorate";
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	for (size_t i = 0; i < 20; i++)
		e.v[i].pos = CN_POS_CONCUR;
	check(rule, &e, 0, CN_VERDICT_PENDING,
	      "pending: 20 concur, needs 1 more (2/3 of 31 electorate)", "", "");
	check(rule, &e, 1, CN_VERDICT_FAILED,
	      "failed: 20 concur, needs 21 (2/3 of 31 electorate)", "", "");
	e.v[20].pos = CN_POS_CONCUR;
	check(rule, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 21 concur >= 2/3 of 31 electorate (21)", "", "");
	/* Footnotes are not "concur" unless the rule says so. */
	e.v[20].pos = CN_POS_FOOTNOTE;
	check(rule, &e, 1, CN_VERDICT_FAILED,
	      "failed: 20 concur, needs 21 (2/3 of 31 electorate)", "", "");
	check("count(concur|footnote) >= 2/3 of electorate", &e, 1,
	      CN_VERDICT_ADOPTED,
	      "adopted: 21 concur|footnote >= 2/3 of 31 electorate (21)", "", "");
}

static void test_percentage_boundary(void **state)
{
	struct elect e;

	(void)state;
	elect_eu(&e);
	/* 55% of 27 = 14.85: 15 passes (1500 >= 1485), 14 fails. */
	for (size_t i = 0; i < 14; i++)
		e.v[i].pos = CN_POS_CONCUR;
	check("count(concur) >= 55% of electorate", &e, 1, CN_VERDICT_FAILED,
	      "failed: 14 concur, needs 15 (55% of 27 electorate)", "", "");
	e.v[14].pos = CN_POS_CONCUR;
	check("count(concur) >= 55% of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 15 concur >= 55% of 27 electorate (15)", "", "");
	/* 72% of 27 = 19.44: reinforced QMV needs 20. */
	check("count(concur) >= 72% of electorate", &e, 0, CN_VERDICT_PENDING,
	      "pending: 15 concur, needs 5 more (72% of 27 electorate)", "", "");
	/* 55.56% of 27 = 15.0012: 15 is not enough, an exact 5/9 is. */
	check("count(concur) >= 55.56% of electorate", &e, 1, CN_VERDICT_FAILED,
	      "failed: 15 concur, needs 16 (55.56% of 27 electorate)", "", "");
	check("count(concur) >= 5/9 of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 15 concur >= 5/9 of 27 electorate (15)", "", "");
	/* One decimal is printed as written: 55.5% of 27 = 14.985 -> 15. */
	check("count(concur) >= 55.5% of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 15 concur >= 55.5% of 27 electorate (15)", "", "");
}

static void test_strict_and_cast(void **state)
{
	static const char *const ten[] = {
		"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10",
	};
	struct elect e;

	(void)state;
	elect_init(&e, ten, 10);
	/* More than half of 10 is 6 or more. */
	setpos(&e, "A1 A2 A3 A4 A5", CN_POS_CONCUR);
	check("count(concur) > 50% of electorate", &e, 1, CN_VERDICT_FAILED,
	      "failed: 5 concur, needs 6 (50% of 10 electorate)", "", "");
	setpos(&e, "A6", CN_POS_CONCUR);
	check("count(concur) > 50% of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 6 concur > 50% of 10 electorate (5)", "", "");
	/* Votes cast = concur + footnote + object: here 4 + 0 + 3 = 7;
	 * abstentions, silence and reservations are not cast. */
	elect_init(&e, ten, 10);
	setpos(&e, "A1 A2 A3 A4", CN_POS_CONCUR);
	setpos(&e, "A5 A6 A7", CN_POS_OBJECT);
	setpos(&e, "A8 A9", CN_POS_ABSTAIN);
	check("count(concur) > 1/2 of cast", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 4 concur > 1/2 of 7 cast (3)", "", "");
	/* Two-thirds of those voting: 4*3 = 12 < 14 = 2*7. */
	check("count(concur) >= 2/3 of cast", &e, 1, CN_VERDICT_FAILED,
	      "failed: 4 concur, needs 5 (2/3 of 7 cast)", "", "");
}

static void test_other_comparisons(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	setpos(&e, "FR HU", CN_POS_OBJECT);
	check("count(object) <= 1", &e, 1, CN_VERDICT_FAILED,
	      "failed: 2 object, at most 1 allowed", "", "");
	check("count(object) <= 1", &e, 0, CN_VERDICT_PENDING,
	      "pending: 2 object, needs 1 fewer", "", "");
	check("count(object) < 3", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 object < 3", "", "");
	/* Fewer than 1/10 of 31 (3.1) is at most 3. */
	check("count(object) < 1/10 of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 object < 1/10 of 31 electorate (4)", "", "");
	check("count(object) == 2", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 object == 2", "", "");
	check("count(object) == 3", &e, 1, CN_VERDICT_FAILED,
	      "failed: 2 object, needs exactly 3", "", "");
	check("count(object) != 2", &e, 1, CN_VERDICT_FAILED,
	      "failed: 2 object, must not be 2", "", "");
	/* Half of 31 is not a whole number, so == can never hold. */
	check("count(silent) == 1/2 of electorate", &e, 1, CN_VERDICT_FAILED,
	      "failed: 29 silent, cannot be == 1/2 of 31 electorate", "", "");
	check("count(concur) < 0", &e, 1, CN_VERDICT_FAILED,
	      "failed: 0 concur, cannot be < 0", "", "");
}

static void test_group(void **state)
{
	static const char rule[] =
		"count(concur in {CN FR GB RU US}) >= 3/5 of electorate";
	struct elect e;

	(void)state;
	elect_init(&e, unsc15, 15);
	setrest(&e, CN_POS_CONCUR);
	setpos(&e, "GB RU US", CN_POS_ABSTAIN);
	/* The base is the group: 3/5 of 5 = 3. */
	check(rule, &e, 0, CN_VERDICT_PENDING,
	      "pending: 2 concur in {CN FR GB RU US}, needs 1 more "
	      "(3/5 of 5 electorate)", "", "");
	setpos(&e, "US", CN_POS_CONCUR);
	check(rule, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 3 concur in {CN FR GB RU US} >= 3/5 of 5 electorate (3)",
	      "", "");
	/* Codes in a group but not in the electorate are ignored. */
	check("count(abstain in {GB RU XX}) >= 2", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 abstain in {GB RU XX} >= 2", "", "");
}

static void test_unsc(void **state)
{
	struct elect e;

	(void)state;
	elect_init(&e, unsc15, 15);
	/* Like res. 2504: France the only P5 yes, four P5 abstentions; here
	 * with just 8 elected members voting yes, so exactly 9 votes. */
	setpos(&e, "FR BE DO EE DE ID NE VC ZA", CN_POS_CONCUR);
	setpos(&e, "CN GB RU US TN VN", CN_POS_ABSTAIN);
	check(unsc_rule, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 9 concur >= 9; no veto", "", "");
	/* 8 votes in favour: not adopted, but no veto either. */
	setpos(&e, "ZA", CN_POS_ABSTAIN);
	check(unsc_rule, &e, 1, CN_VERDICT_FAILED,
	      "failed: 8 concur, needs 9", "", "");
	check(unsc_rule, &e, 0, CN_VERDICT_PENDING,
	      "pending: 8 concur, needs 1 more", "", "");
	/* 9 in favour and a Russian veto. */
	setpos(&e, "ZA", CN_POS_CONCUR);
	setpos(&e, "RU", CN_POS_OBJECT);
	check(unsc_rule, &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: veto by RU", "RU", "");
	/* A veto beats a missed threshold. */
	setpos(&e, "ZA", CN_POS_ABSTAIN);
	check(unsc_rule, &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: veto by RU", "RU", "");
	/* Two vetoes; an elected member's "no" is not a veto. */
	setpos(&e, "US", CN_POS_OBJECT);
	setpos(&e, "VN", CN_POS_OBJECT);
	check(unsc_rule, &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: veto by RU, US", "RU US", "");
}

static void test_eu_qmv(void **state)
{
	struct elect e;

	(void)state;
	elect_eu(&e);
	/* All but HU and SK: 25 states; population 100.01 - 3.34 = 96.67,
	 * i.e. 96.67 / 100.01 = 96.66% of the electorate's. */
	setrest(&e, CN_POS_CONCUR);
	setpos(&e, "HU SK", CN_POS_OBJECT);
	check(eu_qmv, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 25 concur >= 55% of 27 electorate (15); "
	      "population 96.66% >= 65% of electorate", "", "");

	/* All but DE, FR, IT: 24 states pass, but 100.01 - 46.89 = 53.12,
	 * 53.12 / 100.01 = 53.11% < 65%. */
	elect_eu(&e);
	setrest(&e, CN_POS_CONCUR);
	setpos(&e, "DE FR IT", CN_POS_OBJECT);
	check(eu_qmv, &e, 1, CN_VERDICT_FAILED,
	      "failed: population 53.11% < 65% of electorate", "", "");
	/* But a blocking minority needs at least 4 members: with only 3
	 * against, QMV is reached anyway (TEU Art. 16(4)). */
	check("count(concur) >= 55% of electorate and "
	      "(weight(concur, population) >= 65% of electorate or "
	      "count(object|abstain|silent) < 4)", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 24 concur >= 55% of 27 electorate (15); "
	      "3 object|abstain|silent < 4", "", "");

	/* Only the four largest: 4 states and 57.67 / 100.01 = 57.66%; both
	 * tests fail and both are reported. */
	elect_eu(&e);
	setpos(&e, "DE FR IT ES", CN_POS_CONCUR);
	check(eu_qmv, &e, 1, CN_VERDICT_FAILED,
	      "failed: 4 concur, needs 15 (55% of 27 electorate); "
	      "population 57.66% < 65% of electorate", "", "");
	check(eu_qmv, &e, 0, CN_VERDICT_PENDING,
	      "pending: 4 concur, needs 11 more (55% of 27 electorate); "
	      "population 57.66% < 65% of electorate", "", "");
}

static void test_weight_int_and_errors(void **state)
{
	struct elect e;
	struct cn_rule *r;
	struct cn_rule_result res;
	struct cn_err err = { 0 };
	struct cn_rule_input in;

	(void)state;
	elect_eu(&e);
	setpos(&e, "DE FR", CN_POS_CONCUR);
	/* 18.49 + 15.17 = 33.66 against an absolute figure. */
	check("weight(concur, population) >= 30", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: population 33.66 >= 30", "", "");
	check("weight(concur, population) > 40", &e, 1, CN_VERDICT_FAILED,
	      "failed: population 33.66 <= 40", "", "");

	/* A member without the attribute: an error naming both. */
	e.skip = "MT";
	r = parse_ok(eu_qmv);
	in = (struct cn_rule_input){
		.voters = e.v, .nvoters = e.n, .final = 1,
		.attr = pop_attr, .attr_ctx = &e,
	};
	memset(&res, 0xff, sizeof(res));
	assert_int_equal(cn_rule_eval(r, &in, &res, &err), CN_EINVAL);
	assert_string_equal(err.msg, "rule: member MT has no attribute 'population'");
	assert_null(res.explanation);
	assert_int_equal(res.nblocking, 0);
	assert_int_equal(res.nholding, 0);

	/* No lookup function at all. */
	in.attr = NULL;
	assert_int_equal(cn_rule_eval(r, &in, &res, &err), CN_EINVAL);
	assert_string_equal(err.msg, "rule: weight(population) needs an "
			    "attribute lookup, and none was given");
	assert_null(res.explanation);

	/* An empty electorate decides nothing. */
	in.attr = pop_attr;
	in.nvoters = 0;
	assert_int_equal(cn_rule_eval(r, &in, &res, &err), CN_EINVAL);
	assert_string_equal(err.msg, "rule: the electorate is empty");
	cn_rule_free(r);
}

/* Attribute lookup returning whatever the context's table says. */
static int table_attr(void *ctx, const char *member, const char *name,
		      double *out)
{
	const double *vals = ctx;

	(void)name;
	*out = vals[member[1] - '1'];
	return 0;
}

static void test_weight_bad_values(void **state)
{
	static const char *const two[] = { "A1", "A2" };
	struct elect e;
	struct cn_rule *r = parse_ok("weight(concur, seats) >= 1/2 of electorate");
	struct cn_rule_result res;
	struct cn_err err = { 0 };
	double vals[2] = { 1, -3 };
	struct cn_rule_input in;

	(void)state;
	elect_init(&e, two, 2);
	in = (struct cn_rule_input){
		.voters = e.v, .nvoters = 2, .attr = table_attr, .attr_ctx = vals,
	};
	assert_int_equal(cn_rule_eval(r, &in, &res, &err), CN_EINVAL);
	assert_string_equal(err.msg, "rule: member A2 has attribute 'seats' -3, "
			    "expected a number >= 0");
	/* Sums too large to compare exactly are refused, not misjudged. */
	vals[1] = 1e300;
	assert_int_equal(cn_rule_eval(r, &in, &res, &err), CN_EINVAL);
	assert_string_equal(err.msg, "rule: attribute 'seats' sums beyond the "
			    "range of a double");
	/* Sane values: A1 concurs with 1 of 4 seats, 25% < 1/2. */
	vals[1] = 3;
	e.v[0].pos = CN_POS_CONCUR;
	assert_int_equal(cn_rule_eval(r, &in, &res, &err), 0);
	assert_int_equal(res.verdict, CN_VERDICT_PENDING);
	assert_string_equal(res.explanation,
			    "pending: seats 25.00% < 1/2 of electorate");
	cn_rule_result_release(&res);
	cn_rule_free(r);
}

static void test_constructive_abstention(void **state)
{
	struct elect e;

	(void)state;
	/* Nine declared abstainers (1/3 of 27 states), but the nine smallest:
	 * MT LU CY EE LV SI LT HR IE = 4.36 -> 4.36 / 100.01 = 4.36%. */
	elect_eu(&e);
	setdeclared(&e, "MT LU CY EE LV SI LT HR IE");
	setrest(&e, CN_POS_CONCUR);
	check(eu_cfsp, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: no veto; 0 silent == 0; "
	      "declared population 4.36% < 1/3 of electorate", "", "");

	/* Nine large declared abstainers: DE FR IT ES PL RO NL BE CZ = 79.28
	 * -> 79.27%: at least 1/3 of states and of population. */
	elect_eu(&e);
	setdeclared(&e, "DE FR IT ES PL RO NL BE CZ");
	setrest(&e, CN_POS_CONCUR);
	check(eu_cfsp, &e, 1, CN_VERDICT_FAILED,
	      "failed: 9 declared, at most 8 allowed (1/3 of 27 electorate); "
	      "declared population 79.27% >= 1/3 of electorate", "", "");

	/* The same nine abstaining without a declaration do not count. */
	for (size_t i = 0; i < e.n; i++)
		e.v[i].declared = 0;
	check(eu_cfsp, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: no veto; 0 silent == 0; "
	      "0 declared < 1/3 of 27 electorate (9); "
	      "declared population 0.00% < 1/3 of electorate", "", "");
	/* ... although they are abstainers. */
	check("count(abstain) == 9 and count(abstain|declared) == 9", &e, 1,
	      CN_VERDICT_ADOPTED,
	      "adopted: 9 abstain == 9; 9 abstain|declared == 9", "", "");

	/* Eight large declared abstainers: fewer than 9 states suffices. */
	elect_eu(&e);
	setdeclared(&e, "DE FR IT ES PL RO NL BE");
	setrest(&e, CN_POS_CONCUR);
	check(eu_cfsp, &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: no veto; 0 silent == 0; "
	      "8 declared < 1/3 of 27 electorate (9)", "", "");

	/* A vote against is a veto under unanimity. */
	setpos(&e, "HU", CN_POS_OBJECT);
	check(eu_cfsp, &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: veto by HU", "HU", "");
}

static void test_and_or(void **state)
{
	static const char *const three[] = { "AA", "BB", "CC" };
	struct elect e;

	(void)state;
	elect_init(&e, three, 3);
	setpos(&e, "AA", CN_POS_CONCUR);
	setpos(&e, "BB", CN_POS_ABSTAIN);
	setpos(&e, "CC", CN_POS_OBJECT);
	/* 'and' binds tighter: A or (B and C) is adopted by A. */
	check("count(concur) >= 1 or none(object) and none(abstain)", &e, 1,
	      CN_VERDICT_ADOPTED, "adopted: 1 concur >= 1", "", "");
	/* Explicit grouping the other way: C blocks. */
	check("(count(concur) >= 1 or none(object)) and none(abstain)", &e, 1,
	      CN_VERDICT_BLOCKED, "blocked: veto by BB", "BB", "");
	/* 'or' with every operand blocked joins the vetoes. */
	check("none(object) or none(abstain)", &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: veto by CC; veto by BB", "BB CC", "");
	/* 'or' prefers adopted over blocked. */
	check("consensus or count(concur) >= 1/3 of electorate", &e, 1,
	      CN_VERDICT_ADOPTED,
	      "adopted: 1 concur >= 1/3 of 3 electorate (1)", "", "");
	/* 'and' with a failed and a blocked operand is blocked. */
	check("count(concur) >= 2 and consensus", &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: CC objects", "CC", "");
	/* 'or' of failed operands reports both. */
	check("count(concur) >= 2 or count(abstain) >= 2", &e, 1,
	      CN_VERDICT_FAILED,
	      "failed: 1 concur, needs 2; 1 abstain, needs 2", "", "");
	/* The same reason is said once. */
	check("consensus and consensus", &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: CC objects", "CC", "");
	/* Long chains and nesting. */
	check("((consensus or none(reserve)) and count(concur) >= 1 and "
	      "count(silent) == 0)", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: no veto; 1 concur >= 1; 0 silent == 0", "", "");
}

static void test_reservation_holds_threshold(void **state)
{
	static const char rule[] = "count(concur) >= 2/3 of electorate";
	struct elect e;

	(void)state;
	elect_init(&e, nato31, 31);
	setrest(&e, CN_POS_CONCUR);
	setpos(&e, "HU", CN_POS_RESERVE);
	/* 30 concur would adopt, but HU's reservation holds it, even at
	 * conclusion. */
	check(rule, &e, 1, CN_VERDICT_PENDING,
	      "pending: reservation by HU", "", "HU");
	/* A threshold missed at conclusion is held too: HU may yet concur. */
	for (size_t i = 0; i < 11; i++)
		e.v[i].pos = CN_POS_ABSTAIN;
	assert_int_equal(count_pos(&e, CN_POS_CONCUR), 19);
	check(rule, &e, 1, CN_VERDICT_PENDING,
	      "pending: reservation by HU", "", "HU");
	/* While open, the threshold's own explanation stands and HU is
	 * among those holding it. */
	check(rule, &e, 0, CN_VERDICT_PENDING,
	      "pending: 19 concur, needs 2 more (2/3 of 31 electorate)",
	      "", "HU");
	/* A veto is not held by a reservation. */
	setpos(&e, "FR", CN_POS_OBJECT);
	check("none(object)", &e, 1, CN_VERDICT_BLOCKED,
	      "blocked: veto by FR", "FR", "");
}

static void test_whitespace_and_formats(void **state)
{
	struct elect e;

	(void)state;
	elect_eu(&e);
	setpos(&e, "DE FR", CN_POS_CONCUR);
	setpos(&e, "IT", CN_POS_FOOTNOTE);
	check(" \tcount ( concur|footnote  in{DE  FR\nIT} )>=2/3of\ncast ",
	      &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 3 concur|footnote in {DE FR IT} >= 2/3 of 3 cast (2)",
	      "", "");
	/* Percentages print without trailing zeros. */
	check("count(concur) >= 5.50% of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 concur >= 5.5% of 27 electorate (2)", "", "");
	check("count(concur) >= 5.05% of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 concur >= 5.05% of 27 electorate (2)", "", "");
	check("count(concur) >= 0.00% of electorate", &e, 1, CN_VERDICT_ADOPTED,
	      "adopted: 2 concur >= 0% of 27 electorate (0)", "", "");
}

static void test_parse_errors(void **state)
{
	char deep[200];

	(void)state;
	check_parse_error("", "rule: column 1: expected a rule (consensus, "
			  "unanimity, count, weight, none or '('), found end of rule");
	check_parse_error("   ", "rule: column 4: expected a rule (consensus, "
			  "unanimity, count, weight, none or '('), found end of rule");
	check_parse_error("Consensus", "rule: column 1: expected a rule "
			  "(consensus, unanimity, count, weight, none or '('), "
			  "found 'Consensus'");
	check_parse_error("count concur", "rule: column 7: expected '(' after "
			  "count, found 'concur'");
	check_parse_error("consensus and", "rule: column 14: expected a rule "
			  "(consensus, unanimity, count, weight, none or '('), "
			  "found end of rule");
	check_parse_error("consensus extra", "rule: column 11: expected 'and', "
			  "'or' or end of rule, found 'extra'");
	check_parse_error("consensusor unanimity", "rule: column 1: expected a "
			  "rule (consensus, unanimity, count, weight, none or '('), "
			  "found 'consensusor'");
	check_parse_error("(consensus", "rule: column 11: expected 'and', 'or' "
			  "or ')', found end of rule");
	check_parse_error("count(concur | nobody) >= 1", "rule: column 16: "
			  "expected a position (concur, object, abstain, reserve, "
			  "footnote, silent or declared), found 'nobody'");
	check_parse_error("count(concur object) >= 1", "rule: column 14: "
			  "expected '|', 'in' or ')', found 'object'");
	check_parse_error("count(concur) => 9", "rule: column 15: expected a "
			  "comparison (>=, >, <=, <, == or !=), found '='");
	check_parse_error("count(concur) >= 2/0 of electorate", "rule: column 18: "
			  "expected a denominator above 0, found '2/0'");
	check_parse_error("count(concur) >= 3/2 of electorate", "rule: column 18: "
			  "expected a fraction of at most 1, found '3/2'");
	check_parse_error("count(concur) >= 2/3", "rule: column 21: expected "
			  "'of' after the fraction, found end of rule");
	check_parse_error("count(concur) >= 2/3 of members", "rule: column 25: "
			  "expected 'electorate' or 'cast', found 'members'");
	check_parse_error("count(concur) >= 65.125% of electorate",
			  "rule: column 18: expected a percentage with at most 2 "
			  "decimals, found '65.125'");
	check_parse_error("count(concur) >= 150% of electorate", "rule: column 18: "
			  "expected a percentage of at most 100%, found '150%'");
	check_parse_error("count(concur) >= 65.5 of electorate", "rule: column 23: "
			  "expected '%' after a decimal number, found 'of'");
	check_parse_error("count(concur) >= 1000000001", "rule: column 18: "
			  "expected a number up to 1000000000, found '1000000001'");
	check_parse_error("count(concur) >= 9x", "rule: column 19: "
			  "expected 'and', 'or' or end of rule, found 'x'");
	check_parse_error("count(concur) >= x9", "rule: column 18: "
			  "expected a number, found 'x9'");
	check_parse_error("none(object in {FR fr})", "rule: column 20: expected "
			  "a member code (2 to 8 of A-Z, 0-9) or '}', found 'fr'");
	check_parse_error("none(object in {})", "rule: column 17: expected a "
			  "member code (2 to 8 of A-Z, 0-9), found '}'");
	check_parse_error("none(object in {FR DE FR})", "rule: column 23: "
			  "expected each member code once, found 'FR'");
	check_parse_error("none(object in FR)", "rule: column 16: expected '{' "
			  "after in, found 'FR'");
	check_parse_error("none(object in {ABCDEFGHI})", "rule: column 17: "
			  "expected a member code (2 to 8 of A-Z, 0-9), "
			  "found 'ABCDEFGHI'");
	check_parse_error("weight(concur, Population) >= 65% of electorate",
			  "rule: column 16: expected an attribute name (a-z, 0-9, "
			  "_), found 'Population'");
	check_parse_error("weight(concur) >= 65% of electorate", "rule: column 14: "
			  "expected '|', 'in' or ',', found ')'");
	check_parse_error("none(object) >= 1", "rule: column 14: expected "
			  "'and', 'or' or end of rule, found '>='");
	check_parse_error("consensus \x01", "rule: column 11: expected 'and', "
			  "'or' or end of rule, found '\\x01'");

	/* 64 levels of parentheses are fine, 65 are not. */
	memset(deep, 0, sizeof(deep));
	memset(deep, '(', 64);
	strcat(deep, "consensus");
	memset(deep + strlen(deep), ')', 64);
	cn_rule_free(parse_ok(deep));
	memset(deep, 0, sizeof(deep));
	memset(deep, '(', 65);
	strcat(deep, "consensus");
	check_parse_error(deep, "rule: column 65: expected at most 64 nested "
			  "parentheses, found '('");
}

static void test_parse_null(void **state)
{
	struct cn_err err = { 0 };
	struct cn_rule *r = NULL;

	(void)state;
	assert_int_equal(cn_rule_parse(NULL, &r, &err), CN_EINVAL);
	assert_string_equal(err.msg, "rule: no rule given");
	assert_int_equal(cn_rule_parse("consensus", NULL, NULL), CN_EINVAL);
	cn_rule_free(NULL);
	cn_rule_result_release(NULL);
}

/* Whether a rule adopts only when every member of the electorate concurs
 * (concur or footnote): the proposal view lists everyone who has not as
 * outstanding.  Decided on the parsed rule, never on its text. */
static void needs_all(const char *src, int want)
{
	struct cn_err err = { 0 };
	struct cn_rule *r = NULL;

	if (cn_rule_parse(src, &r, &err))
		fail_msg("'%s': %s", src, err.msg);
	if (cn_rule_needs_all(r) != want)
		fail_msg("'%s': needs every member %d, want %d", src,
			 cn_rule_needs_all(r), want);
	cn_rule_free(r);
}

static void test_needs_all(void **state)
{
	(void)state;
	needs_all("unanimity", 1);
	needs_all("  unanimity\n", 1);
	needs_all("(unanimity)", 1);
	needs_all("unanimity and none(object in {US})", 1);
	needs_all("unanimity or unanimity", 1);
	needs_all("count(concur) >= 100% of electorate", 1);
	needs_all("count(concur|footnote) == 1/1 of electorate", 1);
	needs_all("consensus", 0);
	needs_all("unanimity or consensus", 0);
	needs_all("consensus and count(concur) >= 2/3 of electorate", 0);
	needs_all("count(concur) >= 99.99% of electorate", 0);
	needs_all("count(concur) >= 100% of cast", 0);
	needs_all("count(concur in {FR US}) >= 100% of electorate", 0);
	needs_all("count(concur|abstain) >= 100% of electorate", 0);
	needs_all("count(concur) >= 9", 0);
	needs_all("none(object in {CN FR GB RU US})", 0);
	needs_all(unsc_rule, 0);
	needs_all(eu_qmv, 0);
}

/* The attributes a rule weighs by: each once, in rule order; a proposal
 * freezes exactly these figures when it opens. */
static void attrs_are(const char *src, size_t max, size_t want_n,
		      const char *want)
{
	struct cn_err err = {0};
	struct cn_rule *r = NULL;
	const char *names[4] = {0};
	char got[128] = "";
	size_t n, len = 0;

	if (cn_rule_parse(src, &r, &err))
		fail_msg("%s: %s", src, err.msg);
	n = cn_rule_attributes(r, names, max);
	for (size_t i = 0; i < n && i < max; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s",
					i ? " " : "", names[i]);
	if (n != want_n || strcmp(got, want))
		fail_msg("%s: %zu '%s', want %zu '%s'", src, n, got, want_n, want);
	cn_rule_free(r);
}

static void test_rule_attributes(void **state)
{
	(void)state;
	attrs_are("consensus", 4, 0, "");
	attrs_are(eu_qmv, 4, 1, "population");
	attrs_are("weight(concur, population) >= 65% of electorate and "
		  "(weight(declared, gdp) < 1/3 of electorate or "
		  "weight(concur, population) >= 1)", 4, 2, "population gdp");
	attrs_are("weight(concur, a) >= 1 and weight(concur, b) >= 1 and "
		  "weight(concur, c) >= 1", 2, 3, "a b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_consensus_nato),
		cmocka_unit_test(test_consensus_reservation),
		cmocka_unit_test(test_consensus_many_objectors),
		cmocka_unit_test(test_unanimity),
		cmocka_unit_test(test_unanimity_long_list),
		cmocka_unit_test(test_two_thirds_boundary),
		cmocka_unit_test(test_percentage_boundary),
		cmocka_unit_test(test_strict_and_cast),
		cmocka_unit_test(test_other_comparisons),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_unsc),
		cmocka_unit_test(test_eu_qmv),
		cmocka_unit_test(test_weight_int_and_errors),
		cmocka_unit_test(test_weight_bad_values),
		cmocka_unit_test(test_constructive_abstention),
		cmocka_unit_test(test_and_or),
		cmocka_unit_test(test_reservation_holds_threshold),
		cmocka_unit_test(test_whitespace_and_formats),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_null),
		cmocka_unit_test(test_needs_all),
		cmocka_unit_test(test_rule_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
