/*
 * silence.c - how silence is broken; see silence.h.
 */
#include "silence.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned bit;
} breaks[] = {
	{"object", CN_BREAK_OBJECT},
	{"amend", CN_BREAK_AMEND},
};
#define NBREAKS (sizeof(breaks) / sizeof(breaks[0]))

int cn_silence_breaks_parse(const json_t *names, unsigned *bits,
			    struct cn_err *err)
{
	const json_t *x;
	size_t i, k;

	*bits = 0;
	if (!json_is_array(names))
		return cn_err_set(err, CN_EINVAL,
				  "breaks must be a list: [\"object\"] or "
				  "[\"object\", \"amend\"]");
	json_array_foreach(names, i, x) {
		for (k = 0; k < NBREAKS; k++)
			if (json_is_string(x) &&
			    !strcmp(json_string_value(x), breaks[k].name))
				break;
		if (k == NBREAKS)
			return cn_err_set(err, CN_EINVAL,
					  "breaks: '%s' is not what breaks silence "
					  "(object or amend)",
					  json_is_string(x) ? json_string_value(x)
							    : "(not a string)");
		*bits |= breaks[k].bit;
	}
	if (!(*bits & CN_BREAK_OBJECT))
		return cn_err_set(err, CN_EINVAL,
				  "breaks: an objection always breaks silence, so "
				  "the list names \"object\"");
	return 0;
}

json_t *cn_silence_breaks_json(unsigned bits)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < NBREAKS; k++)
		if ((bits & breaks[k].bit) &&
		    json_array_append_new(a, json_string(breaks[k].name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

const json_t *cn_silence_break_of(const struct cn_proposal *p,
				  const char *code)
{
	const json_t *b, *m;
	size_t i, k;

	json_array_foreach(p->breaks, i, b)
		json_array_foreach(json_object_get(b, "members"), k, m)
			if (!strcmp(json_string_value(m), code))
				return b;
	return NULL;
}

char *cn_silence_explanation(const json_t *codes, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "blocked: ");
	const json_t *c;
	size_t i;

	json_array_foreach(codes, i, c)
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						i ? ", " : "", json_string_value(c));
	if (len < n)
		snprintf(buf + len, n - len, " broke silence");
	return buf;
}
