/*
 * attribute.c - a member's dated attributes; see attribute.h.
 */
#include "attribute.h"

#include <string.h>

#include "buf.h"
#include "timeutil.h"

/* The rule language's attribute names (docs/RULES.md): [a-z][a-z0-9_]*,
 * at most 32 characters, so every attribute can be named in a rule. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	return 1;
}

/* A decimal: 1 to 15 digits, then optionally '.' and 1 to 6 digits.  So
 * every value is exact in a double, as weight() needs (docs/RULES.md). */
int cn_attribute_value_ok(const char *s)
{
	size_t i = 0, f = 0;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0 || i > 15)
		return 0;
	if (s[i] == '.')
		while (s[i + 1 + f] >= '0' && s[i + 1 + f] <= '9')
			f++;
	if (s[i] == '.' && (f == 0 || f > 6))
		return 0;
	return s[i + (s[i] == '.' ? 1 + f : 0)] == '\0';
}

/* A period's bounds: from (required), to (absent or null: open). */
static int period_bounds(const json_t *p, int64_t *from, int64_t *to,
			 struct cn_err *err)
{
	const json_t *t = json_object_get(p, "to");

	if (!cn_jstr(p, "from"))
		return cn_err_set(err, CN_EINVAL, "needs from (a date)");
	if (cn_date_parse_partial(cn_jstr(p, "from"), "from", from, NULL, err))
		return CN_EINVAL;
	*to = CN_TIME_NONE;
	if (t && !json_is_null(t) &&
	    (!json_is_string(t) ||
	     cn_date_parse_partial(json_string_value(t), "to", to, NULL, err)))
		return json_is_string(t) ? CN_EINVAL
					 : cn_err_set(err, CN_EINVAL,
						      "to must be a date or null");
	return 0;
}

static int check_periods(const json_t *periods, struct cn_err *err)
{
	int64_t prev_to = INT64_MIN;
	const json_t *p;
	size_t i;

	if (!json_is_array(periods) || json_array_size(periods) == 0)
		return cn_err_set(err, CN_EINVAL,
				  ": expected a list of periods {value, from, "
				  "to, source}");
	json_array_foreach(periods, i, p) {
		int64_t from, to;
		const char *v = cn_jstr(p, "value");

		if (!json_is_object(p))
			return cn_err_set(err, CN_EINVAL, "[%zu]: not an object", i);
		if (!v || !cn_attribute_value_ok(v))
			return cn_err_set(err, CN_EINVAL,
					  "[%zu]: value must be a decimal string "
					  "(\"448387872\", \"5.25\"; up to 15 digits "
					  "and 6 decimals)", i);
		if (!cn_jstr(p, "source") || !*cn_jstr(p, "source"))
			return cn_err_set(err, CN_EINVAL,
					  "[%zu]: needs a source", i);
		if (period_bounds(p, &from, &to, err))
			return cn_err_prefix(err, "[%zu]: ", i);
		if (to <= from)
			return cn_err_set(err, CN_EINVAL,
					  "[%zu]: to is not after from", i);
		if (prev_to == CN_TIME_NONE || from < prev_to)
			return cn_err_set(err, CN_EINVAL,
					  "[%zu]: overlaps the period before it "
					  "(periods are in time order, each from "
					  "at or after the previous one's to)", i);
		prev_to = to;
	}
	return 0;
}

int cn_attributes_check(const json_t *attributes, struct cn_err *err)
{
	const char *name;
	const json_t *periods;

	if (!attributes || json_is_null(attributes))
		return 0;
	if (!json_is_object(attributes))
		return cn_err_set(err, CN_EINVAL, "attributes must be an object");
	json_object_foreach((json_t *)attributes, name, periods) {
		if (!name_ok(name))
			return cn_err_set(err, CN_EINVAL,
					  "attributes: '%s' is not an attribute name "
					  "([a-z][a-z0-9_]*, at most 32 characters)",
					  name);
		if (check_periods(periods, err))
			return cn_err_prefix(err, "attributes.%s", name);
	}
	return 0;
}

int cn_attribute_at(const json_t *record, const char *name, int64_t at,
		    const char **value)
{
	const json_t *periods =
		json_object_get(json_object_get(record, "attributes"), name);
	const json_t *p;
	size_t i;

	json_array_foreach(periods, i, p) {
		int64_t from, to;
		if (period_bounds(p, &from, &to, NULL))
			continue;
		if (from <= at && at < to) {
			*value = cn_jstr(p, "value");
			return 0;
		}
	}
	return CN_ENOTFOUND;
}

/* Digit by digit rather than strtod(), which reads the decimal point of
 * the locale. */
double cn_attribute_number(const char *value)
{
	double whole = 0, frac = 0, scale = 1;
	const char *s = value;

	for (; *s >= '0' && *s <= '9'; s++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++) {
			frac = frac * 10 + (*s - '0');
			scale *= 10;
		}
	return whole + frac / scale;
}
