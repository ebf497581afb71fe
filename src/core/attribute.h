/*
 * attribute.h - a member's attributes (population, ...), dated: the
 * figures a weight() rule sums (docs/RULES.md, "Attributes").
 *
 * In a member's record, `attributes` maps a name to the periods of its
 * value, each {value, from, to, source}: `value` a decimal string ("no
 * real numbers in the log"), `from` inclusive and `to` exclusive (null:
 * still in force), dates that may be partial (a partial date is its first
 * day), `source` where the figure comes from.  Periods are in time order
 * and never overlap:
 *
 *   "attributes": {"population": [
 *     {"value": "83445000", "from": "2024-01-01", "to": "2025-01-01",
 *      "source": "https://ec.europa.eu/eurostat/..."}]}
 *
 * Ownership: returned strings are borrowed from the record.
 * Pure code: no I/O, no clock.
 */
#ifndef CN_ATTRIBUTE_H
#define CN_ATTRIBUTE_H

#include <jansson.h>
#include <stdint.h>

#include "err.h"

/* Check a record's `attributes` (absent or null: none).  CN_EINVAL naming
 * the attribute, the period and the field. */
int cn_attributes_check(const json_t *attributes, struct cn_err *err)
	CN_NODISCARD;

/* The value of attribute `name` in force on `at` in a member's record:
 * 0 and *value (borrowed), or CN_ENOTFOUND when no period covers `at`.
 * The record's attributes must have passed cn_attributes_check(). */
int cn_attribute_at(const json_t *record, const char *name, int64_t at,
		    const char **value);

/* 1 when s is a value as attributes hold them: a decimal string of 1 to
 * 15 digits, optionally '.' and 1 to 6 more, exact in a double. */
int cn_attribute_value_ok(const char *s);

/* A value checked by cn_attribute_value_ok() as a number. */
double cn_attribute_number(const char *value);

#endif
