/*
 * effect.h - the registry changes a proposal carries ("effects") and
 * applies only when it is adopted: open-office, close-office,
 * admit-member, add-partner, establish-body, amend-body (the last two in
 * body_decision.h).
 *
 * An effect is a JSON object {"type": KIND, ...fields}.  It is checked
 * when proposed (its fields, its fit with the registry, and a dry run that
 * folds the event it would become into an empty world, so an adoption can
 * never fail on a field nobody checked), checked again at adoption (the
 * registry may have moved), and then turned into one registry event.
 * One table in effect.c describes the kinds and their fields.
 *
 * What the check asks of every effect, whatever the registry says:
 *   - each field the kind requires is there, a string, and not empty (nor
 *     only spaces): an office needs an id, a name, a city, a country;
 *   - values are strings (or null for an optional one) no longer than
 *     CN_EFFECT_ID_MAX bytes for an id, CN_EFFECT_TEXT_MAX for a name,
 *     city, framework or kind, CN_EFFECT_NOTE_MAX for anything else the
 *     record keeps (a note);
 *   - codes (a member's, a partner's, an office's country) are ISO 3166-1
 *     alpha-2 in upper case, or XK (iso3166.h);
 *   - "source" and "decision" are the adoption's to write, never the
 *     proposer's; close-office takes its id and nothing else.
 *
 * Ownership: cn_effect_event() returns a new payload the caller owns.
 * Pure code: no I/O, no clock.
 */
#ifndef CN_EFFECT_H
#define CN_EFFECT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event_type.h"

struct cn_world;

/* Bounds on an effect's values, in bytes (UTF-8). */
#define CN_EFFECT_ID_MAX 64
#define CN_EFFECT_TEXT_MAX 200
#define CN_EFFECT_NOTE_MAX 2000

enum cn_effect_kind {
	CN_EFFECT_OPEN_OFFICE,
	CN_EFFECT_CLOSE_OFFICE,
	CN_EFFECT_ADMIT_MEMBER,
	CN_EFFECT_ADD_PARTNER,
	CN_EFFECT_ESTABLISH_BODY, /* body_decision.h */
	CN_EFFECT_AMEND_BODY,
};

/* An effect as a command line writes it, into a new JSON object (*out,
 * the caller's): either a JSON object, or KIND:key=value,key=value, e.g.
 * "open-office:id=nlo-tokyo,name=NATO Liaison Office Tokyo,city=Tokyo,
 * country=JP" (a value runs to the next comma; a value with a comma needs
 * the JSON form).  The second form is refused (CN_EINVAL, naming it) for
 * an unknown kind, a key the kind does not have, a key given twice, or a
 * pair without "=".  Values are checked by cn_effect_check, not here. */
int cn_effect_parse(const char *spec, json_t **out, struct cn_err *err)
	CN_NODISCARD;

/* The kind of effect e: 0, or CN_EINVAL when e has no known "type". */
int cn_effect_kind_of(const json_t *e, enum cn_effect_kind *out);

/* Check effect number idx (0-based; messages count from 1) against the
 * world on `at`: its fields, its fit with the registry, and a dry run of
 * the event it becomes.  0, or CN_EINVAL / CN_ENOTFOUND / CN_EREFUSED
 * saying which effect and why. */
int cn_effect_check(const struct cn_world *w, int64_t at, size_t idx,
		    const json_t *e, struct cn_err *err) CN_NODISCARD;

/* Check a proposal's list of effects: each one, and that no two act on
 * the same office or state in the same way (they could never both
 * apply). */
int cn_effects_check(const struct cn_world *w, int64_t at,
		     const json_t *effects, struct cn_err *err) CN_NODISCARD;

/* The registry event a checked effect becomes when proposal pid of body
 * is adopted on `at`: its type and a new payload (the record, with its
 * source naming the decision).  The one place an effect's record is
 * built, so the dry run at proposing and the real event agree. */
int cn_effect_event(int64_t pid, const char *body, const json_t *e,
		    int64_t at, enum cn_ev *type, json_t **payload,
		    struct cn_err *err) CN_NODISCARD;

#endif
