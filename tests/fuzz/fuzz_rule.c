/* fuzz_rule.c - libFuzzer target for the rule language: any bytes either
 * fail to parse with CN_EINVAL (or CN_ENOMEM) and a message naming the
 * column, or parse to a rule that is then evaluated on a small fixed
 * electorate in several position patterns, open and final, with and
 * without attributes.  Results must be well formed: an explanation that
 * starts with the verdict's name, and blocking/holding lists only of
 * electorate codes.  Everything is freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Six members with a "population" attribute; "ZZ" has none, so weight()
 * over it exercises the missing-attribute error. */
static const struct {
	const char *code;
	double population;
} members[] = {
	{ "FR", 68.0 }, { "DE", 84.0 }, { "HU", 9.6 }, { "TR", 85.0 },
	{ "US", 333.0 }, { "ZZ", -1 },
};
#define NMEMBERS (sizeof(members) / sizeof(members[0]))

static int attr(void *ctx, const char *member, const char *name, double *out)
{
	(void)ctx;
	if (strcmp(name, "population") != 0 && strcmp(name, "votes") != 0)
		return CN_ENOTFOUND;
	for (size_t i = 0; i < NMEMBERS; i++) {
		if (strcmp(members[i].code, member) == 0) {
			if (members[i].population < 0)
				return CN_ENOTFOUND;
			*out = members[i].population;
			return 0;
		}
	}
	return CN_ENOTFOUND;
}

static int in_electorate(const char *code, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(code, members[i].code) == 0)
			return 1;
	}
	return 0;
}

static void check_result(const struct cn_rule_result *res, size_t n)
{
	const char *name = cn_verdict_name(res->verdict);
	size_t len = strlen(name);

	if (!res->explanation || strncmp(res->explanation, name, len) != 0 ||
	    strncmp(res->explanation + len, ": ", 2) != 0)
		abort();
	if (res->nblocking && res->verdict != CN_VERDICT_BLOCKED)
		abort();
	if (res->nholding && res->verdict != CN_VERDICT_PENDING)
		abort();
	for (size_t i = 0; i < res->nblocking; i++) {
		if (!in_electorate(res->blocking[i], n))
			abort();
	}
	for (size_t i = 0; i < res->nholding; i++) {
		if (!in_electorate(res->holding[i], n))
			abort();
	}
}

static void evaluate(const struct cn_rule *rule)
{
	/* Position patterns: rows are scenarios, columns members. */
	static const enum cn_pos patterns[][NMEMBERS] = {
		{ CN_POS_NONE, CN_POS_NONE, CN_POS_NONE, CN_POS_NONE,
		  CN_POS_NONE, CN_POS_NONE },
		{ CN_POS_CONCUR, CN_POS_CONCUR, CN_POS_FOOTNOTE, CN_POS_CONCUR,
		  CN_POS_CONCUR, CN_POS_CONCUR },
		{ CN_POS_OBJECT, CN_POS_CONCUR, CN_POS_RESERVE, CN_POS_ABSTAIN,
		  CN_POS_CONCUR, CN_POS_NONE },
		{ CN_POS_ABSTAIN, CN_POS_ABSTAIN, CN_POS_RESERVE,
		  CN_POS_FOOTNOTE, CN_POS_OBJECT, CN_POS_ABSTAIN },
	};
	struct cn_voter voters[NMEMBERS];

	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		for (size_t i = 0; i < NMEMBERS; i++) {
			voters[i].code = members[i].code;
			voters[i].pos = patterns[p][i];
			voters[i].declared = (int)(i + p) % 2;
		}
		/* Without ZZ every weight() has its attribute; with ZZ it
		 * must fail cleanly.  Open and final. */
		for (size_t n = NMEMBERS - 1; n <= NMEMBERS; n++) {
			for (int final = 0; final <= 1; final++) {
				struct cn_rule_input in = {
					.voters = voters, .nvoters = n,
					.final = final, .attr = attr,
				};
				struct cn_rule_result res;
				struct cn_err err = { 0 };
				int rc = cn_rule_eval(rule, &in, &res, &err);

				if (rc) {
					if ((rc != CN_EINVAL && rc != CN_ENOMEM) ||
					    res.explanation || err.code != rc)
						abort();
					continue;
				}
				check_result(&res, n);
				cn_rule_result_release(&res);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cn_rule *rule = NULL;
	struct cn_err err = { 0 };
	char *src = malloc(size + 1);
	int rc;

	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	rc = cn_rule_parse(src, &rule, &err);
	free(src);
	if (rc) {
		if (rule || (rc != CN_EINVAL && rc != CN_ENOMEM) ||
		    err.code != rc)
			abort();
		if (rc == CN_EINVAL && strncmp(err.msg, "rule: column ", 13) != 0)
			abort();
		return 0;
	}
	/* The tree must not point into the source buffer, freed above. */
	evaluate(rule);
	cn_rule_free(rule);
	return 0;
}
