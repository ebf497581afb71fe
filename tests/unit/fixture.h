/*
 * fixture.h - shared helpers for the unit tests: building a small world
 * from events in memory, the way the app does it (src/app/app.c emit_box):
 * each event is initialised, sealed with the next sequence number and the
 * previous event's hash, then folded in with cn_world_apply().
 *
 * Everything here is `static inline` so a test file may use any subset
 * without unused-function warnings.  Nothing here asserts: helpers return
 * a status and the tests check it.
 */
#ifndef CN_TEST_FIXTURE_H
#define CN_TEST_FIXTURE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "core/procedure.h"
#include "core/timeutil.h"
#include "core/world.h"

/* A time given as ISO 8601 text; aborts the test program on a typo in the
 * test itself (never on behaviour under test). */
static inline int64_t fx_t(const char *iso)
{
	struct cn_err err = {0};
	int64_t t = 0;
	if (cn_time_parse(iso, "fixture", &t, &err)) {
		fprintf(stderr, "fixture: bad time '%s': %s\n", iso, err.msg);
		abort();
	}
	return t;
}

/* When set, fx_apply() also keeps the canonical bytes of every event it
 * folds, so a test can fold the same log again (e.g. under failing
 * allocations).  Release with fx_log_release(). */
struct fx_log {
	char **bytes;
	size_t *len;
	size_t n;
};
static struct fx_log *fx_recording;

static inline int fx_log_add(struct fx_log *log, const struct cn_event *ev)
{
	char **b = realloc(log->bytes, (log->n + 1) * sizeof(*b));
	size_t *l;
	if (b)
		log->bytes = b;
	l = b ? realloc(log->len, (log->n + 1) * sizeof(*l)) : NULL;
	if (!l)
		return CN_ENOMEM;
	log->len = l;
	if (!(log->bytes[log->n] = strdup(ev->bytes)))
		return CN_ENOMEM;
	log->len[log->n++] = ev->len;
	return 0;
}

static inline void fx_log_release(struct fx_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->bytes[i]);
	free(log->bytes);
	free(log->len);
	memset(log, 0, sizeof(*log));
}

/* Seal one event as the next of the world's log and fold it in.  Takes
 * the payload reference.  On failure the world's last_seq is unchanged
 * for registry events. */
static inline int fx_apply(struct cn_world *w, int64_t time, const char *actor,
			   const char *type, json_t *payload, struct cn_err *err)
{
	struct cn_event ev;
	/* The fold never reads the salt: a fixed one keeps fixtures
	 * deterministic (the app draws a fresh one per event). */
	const uint8_t salt[CN_SALT_LEN] = {0};
	int rc;

	if (!payload)
		return cn_err_set(err, CN_ENOMEM, "fixture: no payload");
	rc = cn_event_init(&ev, time, actor, type, payload, err);
	json_decref(payload);
	if (rc)
		return rc;
	rc = cn_event_seal(&ev, w->last_seq + 1, w->last_hash, salt, err);
	if (rc == 0)
		rc = cn_world_apply(w, &ev, err);
	if (rc == 0 && fx_recording)
		rc = fx_log_add(fx_recording, &ev);
	cn_event_release(&ev);
	return rc;
}

/* Apply every item of an outbox, in order, as emit_box does.  The box is
 * left for the caller to release. */
static inline int fx_apply_box(struct cn_world *w, const char *actor,
			       const struct cn_outbox *box, struct cn_err *err)
{
	for (size_t i = 0; i < box->n; i++) {
		const struct cn_outbox_item *it = &box->items[i];
		int rc = fx_apply(w, it->time, actor,
				  cn_event_type_get(it->type)->name,
				  json_incref(it->payload), err);
		if (rc)
			return rc;
	}
	return 0;
}

/* "type1 type2 ..." of an outbox, into buf. */
static inline const char *fx_box_types(const struct cn_outbox *box, char *buf,
				       size_t n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < box->n && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "",
				      cn_event_type_get(box->items[i].type)->name);
	return buf;
}

/* ---- registry events ------------------------------------------------------ */

static inline int fx_found(struct cn_world *w, int64_t at, struct cn_err *err)
{
	return fx_apply(w, at, "dataset", "alliance.founded",
			json_pack("{s:{s:s, s:s, s:s}}", "alliance", "id", "TEST",
				  "name", "Test Alliance", "source", "fixture"),
			err);
}

/* exit may be NULL (still a member). */
static inline int fx_member(struct cn_world *w, int64_t at, const char *code,
			    const char *name, const char *accession,
			    const char *exit, struct cn_err *err)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "name",
				name, "accession", accession, "source", "fixture");
	if (rec && exit)
		json_object_set_new(rec, "exit", json_string(exit));
	return fx_apply(w, at, "dataset", "member.admitted",
			rec ? json_pack("{s:o}", "member", rec) : NULL, err);
}

static inline int fx_partner(struct cn_world *w, int64_t at, const char *code,
			     const char *name, const char *framework,
			     const char *since, struct cn_err *err)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "name",
				name, "framework", framework, "source", "fixture");
	if (rec && since)
		json_object_set_new(rec, "since", json_string(since));
	return fx_apply(w, at, "dataset", "partner.added",
			rec ? json_pack("{s:o}", "partner", rec) : NULL, err);
}

/* membership: a JSON array of clauses (taken); dissolved may be NULL. */
static inline int fx_body(struct cn_world *w, int64_t at, const char *id,
			  const char *name, const char *rule,
			  const char *procedure, const char *established,
			  const char *dissolved, json_t *membership,
			  struct cn_err *err)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id", id,
				"name", name, "rule", rule, "procedure",
				procedure, "established", established,
				"membership", membership, "source", "fixture");
	if (rec && dissolved)
		json_object_set_new(rec, "dissolved", json_string(dissolved));
	return fx_apply(w, at, "dataset", "body.established",
			rec ? json_pack("{s:o}", "body", rec) : NULL, err);
}

/* A clause; codes is a space-separated list or NULL; from/to may be NULL. */
static inline json_t *fx_clause(const char *kind, const char *codes,
				const char *from, const char *to)
{
	json_t *c = json_pack("{s:s, s:o, s:o}", "kind", kind, "from",
			      from ? json_string(from) : json_null(), "to",
			      to ? json_string(to) : json_null());
	if (c && codes) {
		json_t *a = json_array();
		char buf[256], *save = NULL;
		snprintf(buf, sizeof(buf), "%s", codes);
		for (char *tok = strtok_r(buf, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			json_array_append_new(a, json_string(tok));
		json_object_set_new(c, strcmp(kind, "list") ? "except" : "members",
				    a);
	}
	return c;
}

/* lat/lon/closed may be NULL. */
static inline int fx_office(struct cn_world *w, int64_t at, const char *id,
			    const char *country, const char *lat,
			    const char *lon, const char *opened,
			    const char *closed, struct cn_err *err)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id,
				"name", id, "city", "Somewhere", "country",
				country, "opened", opened, "source", "fixture");
	if (rec && lat)
		json_object_set_new(rec, "lat", json_string(lat));
	if (rec && lon)
		json_object_set_new(rec, "lon", json_string(lon));
	if (rec && closed)
		json_object_set_new(rec, "closed", json_string(closed));
	return fx_apply(w, at, "dataset", "office.opened",
			rec ? json_pack("{s:o}", "office", rec) : NULL, err);
}

/*
 * The small world most procedure tests use, founded 2000-01-01:
 *   members BE, DE, FR, TR, US (all in since before 2000), partner JP;
 *   COUNCIL  "Council"            consensus,  meeting, all members
 *   UNAN     "Unanimity Board"    unanimity,  meeting, all members
 *   SIL      "Silence Committee"  consensus,  silence, all members
 *   NPG      "Nuclear Group"      consensus,  meeting, all except FR
 * and one open office "hq" in BE.
 */
static inline int fx_small_world(struct cn_world *w, struct cn_err *err)
{
	const int64_t t = fx_t("2000-01-01");
	int rc;

	cn_world_init(w);
	if ((rc = fx_found(w, t, err)) ||
	    (rc = fx_member(w, t, "BE", "Belgium", "1949-08-24", NULL, err)) ||
	    (rc = fx_member(w, t, "DE", "Germany", "1955-05-06", NULL, err)) ||
	    (rc = fx_member(w, t, "FR", "France", "1949-08-24", NULL, err)) ||
	    (rc = fx_member(w, t, "TR", "Türkiye", "1952-02-18", NULL, err)) ||
	    (rc = fx_member(w, t, "US", "United States", "1949-08-24", NULL,
			    err)) ||
	    (rc = fx_partner(w, t, "JP", "Japan", "partners across the globe",
			     NULL, err)) ||
	    (rc = fx_body(w, t, "COUNCIL", "Council", "consensus", "meeting",
			  "1949-08-24", NULL,
			  json_pack("[o]", fx_clause("all", NULL, NULL, NULL)),
			  err)) ||
	    (rc = fx_body(w, t, "UNAN", "Unanimity Board", "unanimity",
			  "meeting", "1949-08-24", NULL,
			  json_pack("[o]", fx_clause("all", NULL, NULL, NULL)),
			  err)) ||
	    (rc = fx_body(w, t, "SIL", "Silence Committee", "consensus",
			  "silence", "1949-08-24", NULL,
			  json_pack("[o]", fx_clause("all", NULL, NULL, NULL)),
			  err)) ||
	    (rc = fx_body(w, t, "NPG", "Nuclear Group", "consensus", "meeting",
			  "1966-12-14", NULL,
			  json_pack("[o]", fx_clause("all-except", "FR", NULL,
						     NULL)),
			  err)) ||
	    (rc = fx_office(w, t, "hq", "BE", "50.8798", "4.4258", "1999-05-01",
			    NULL, err)))
		return rc;
	return 0;
}

/* A jansson allocator that fails exactly the oom_fail_at-th allocation
 * (counting from 1) and no other, as SQLite's test_malloc.c fails the Nth:
 * code that ignores one failed allocation and carries on shows up as a
 * result that differs from the one made with memory to spare.  Install it
 * with json_set_alloc_funcs(oom_malloc, free) after zeroing oom_count and
 * oom_fired. */
static size_t oom_count, oom_fail_at;
static int oom_fired;

static inline void *oom_malloc(size_t n)
{
	if (++oom_count == oom_fail_at) {
		oom_fired = 1;
		return NULL;
	}
	return malloc(n);
}

/* Remove a store made in a temporary directory: the file, its key, its
 * WAL and shared memory, then the directory. */
static inline void fx_store_remove(const char *db, const char *dir)
{
	char path[512];

	for (const char *const *x = (const char *const[]){"", ".key", "-wal",
							   "-shm", NULL};
	     *x; x++) {
		snprintf(path, sizeof(path), "%s%s", db, *x);
		unlink(path);
	}
	if (dir) /* NULL: a store in a directory its caller removes later */
		rmdir(dir);
}

#endif
