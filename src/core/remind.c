/*
 * remind.c - a webhook's reminder offsets; see remind.h.
 */
#include "remind.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct unit {
	char c;
	int64_t seconds;
} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {0, 0}};

/* The offset written as `word`, or -1 when it is no number and unit. */
static int64_t parse_word(const char *word)
{
	int64_t v = 0;
	const char *p = word;
	const struct unit *u;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > CN_REMIND_MAX)
			return -1; /* long past the range: no overflow */
		v = v * 10 + (*p - '0');
	}
	if (p == word || !p[0] || p[1])
		return -1;
	for (u = units; u->c; u++)
		if (*p == u->c)
			return v > CN_REMIND_MAX ? CN_REMIND_MAX + 1
						 : v * u->seconds;
	return -1;
}

static int put(struct cn_remind *r, int64_t v, const char *field, size_t item,
	       struct cn_err *err)
{
	size_t i;

	if (v < CN_REMIND_MIN || v > CN_REMIND_MAX)
		return cn_err_set(err, CN_EINVAL, "field '%s': item %zu: an "
				  "offset from 1s to 30d", field, item);
	for (i = 0; i < r->n; i++)
		if (r->at[i] == v)
			return cn_err_set(err, CN_EINVAL, "field '%s': item %zu: "
					  "the same offset is given twice",
					  field, item);
	if (r->n == CN_REMIND_COUNT)
		return cn_err_set(err, CN_EINVAL, "field '%s': at most %d "
				  "offsets", field, CN_REMIND_COUNT);
	/* Largest first. */
	for (i = r->n; i > 0 && r->at[i - 1] < v; i--)
		r->at[i] = r->at[i - 1];
	r->at[i] = v;
	r->n++;
	return 0;
}

int cn_remind_add(struct cn_remind *r, const char *word, const char *field,
		  size_t item, struct cn_err *err)
{
	int64_t v = parse_word(word);

	if (v < 0)
		return cn_err_set(err, CN_EINVAL, "field '%s': item %zu: a whole "
				  "number and a unit, s, m, h or d (\"24h\")",
				  field, item);
	return put(r, v, field, item, err);
}

void cn_remind_encode(const struct cn_remind *r, char out[CN_REMIND_TEXT])
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->n; i++)
		len += (size_t)snprintf(out + len, CN_REMIND_TEXT - len, "%s%" PRId64,
					i ? "," : "", r->at[i]);
}

int cn_remind_decode(const char *text, struct cn_remind *r, struct cn_err *err)
{
	const char *p = text;
	struct cn_err ignored = {0};

	memset(r, 0, sizeof(*r));
	while (*p) {
		int64_t v = 0;
		const char *start = p;

		for (; *p >= '0' && *p <= '9' && v <= CN_REMIND_MAX; p++)
			v = v * 10 + (*p - '0');
		if (p == start || (*p && *p != ',') || (*p == ',' && !p[1]) ||
		    put(r, v, "remind", r->n, &ignored))
			return cn_err_set(err, CN_ECORRUPT, "a webhook's stored "
					  "reminders are not offsets: '%.40s'",
					  text);
		p += *p == ',';
	}
	return 0;
}

void cn_remind_word(int64_t seconds, char out[CN_REMIND_WORD])
{
	const struct unit *u = &units[2]; /* h, then m, then s */

	while (u > units && seconds % u->seconds)
		u--;
	snprintf(out, CN_REMIND_WORD, "%" PRId64 "%c", seconds / u->seconds,
		 u->c);
}

int cn_remind_due(const struct cn_remind *r, int64_t deadline, int64_t now,
		  int64_t *offset)
{
	/* Largest first: the last whose time has come is the smallest. */
	int found = 0;

	if (now >= deadline)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (deadline - r->at[i] <= now) {
			*offset = r->at[i];
			found = 1;
		}
	return found;
}
