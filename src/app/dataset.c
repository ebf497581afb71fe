/*
 * dataset.c - seeding a store from a dataset file (data/nato.json).
 *
 * The file is read whole and every record checked before anything is
 * written, so a bad dataset leaves the store as it was.  Each record
 * becomes one event, carrying the record itself (its `source` included),
 * so the log says where every fact came from.  Country codes (a member's,
 * a partner's, an office's host) are checked as an effect's are: ISO
 * 3166-1 alpha-2 in upper case, or XK (core/iso3166.h).
 */
#include <stdio.h>
#include <string.h>

#include "../core/iso3166.h"
#include "../core/timeutil.h"
#include "app.h"
#include "json_file.h"

struct section {
	const char *name;      /* key in the file */
	enum cn_ev event;      /* event type */
	const char *wrap;      /* payload key */
	const char *required[6];
	const char *dates[4];
	const char *country;   /* the field holding a country code, or NULL */
};

static const struct section sections[] = {
	{"members", CN_EV_MEMBER_ADMITTED, "member",
	 {"code", "name", "accession", "source"}, {"accession", "exit", "signed"},
	 "code"},
	{"bodies", CN_EV_BODY_ESTABLISHED, "body",
	 {"id", "name", "rule", "procedure", "source"}, {"established", "dissolved"},
	 NULL},
	{"partners", CN_EV_PARTNER_ADDED, "partner",
	 {"code", "name", "framework", "source"}, {"since", "until"}, "code"},
	{"offices", CN_EV_OFFICE_OPENED, "office",
	 {"id", "name", "city", "country", "source"}, {"opened", "closed"},
	 "country"},
};

static int check_record(const char *path, const struct section *s, size_t i,
			const json_t *rec, struct cn_err *err)
{
	const char *label;
	int64_t t;

	if (!json_is_object(rec))
		return cn_err_set(err, CN_EINVAL, "%s: %s[%zu]: not an object",
				  path, s->name, i);
	label = json_string_value(json_object_get(rec, s->required[0]));
	for (size_t k = 0; k < 6 && s->required[k]; k++) {
		const json_t *v = json_object_get(rec, s->required[k]);
		if (!json_is_string(v) || !*json_string_value(v))
			return cn_err_set(err, CN_EINVAL,
					  "%s: %s[%zu] (%s): missing or empty "
					  "'%s'", path, s->name, i,
					  label ? label : "?", s->required[k]);
	}
	if (s->country &&
	    cn_country_check(json_string_value(json_object_get(rec, s->country)),
			     s->country, err))
		return cn_err_prefix(err, "%s: %s[%zu] (%s): ", path, s->name, i,
				     label);
	for (size_t k = 0; k < 4 && s->dates[k]; k++) {
		const json_t *v = json_object_get(rec, s->dates[k]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v) ||
		    cn_date_parse_partial(json_string_value(v), s->dates[k], &t,
					  NULL, err))
			return cn_err_prefix(err, "%s: %s[%zu] (%s): ", path,
					     s->name, i, label);
	}
	return 0;
}

static int seed_fn(const struct cn_world *w, int64_t now, const void *arg,
		   struct cn_outbox *box, struct cn_err *err)
{
	const json_t *root = arg;
	struct cn_outbox_item *it;
	size_t total = 1;

	(void)w;
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		total += json_array_size(json_object_get(root, sections[s].name));
	if (!(box->items = calloc(total, sizeof(*box->items))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	it = &box->items[box->n++];
	it->time = now;
	it->type = CN_EV_ALLIANCE_FOUNDED;
	it->payload = json_pack("{s:O}", "alliance",
				json_object_get(root, "alliance"));
	if (!it->payload)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		const json_t *arr = json_object_get(root, sections[s].name), *rec;
		size_t i;
		json_array_foreach(arr, i, rec) {
			it = &box->items[box->n++];
			it->time = now;
			it->type = sections[s].event;
			it->payload = json_pack("{s:O}", sections[s].wrap, rec);
			if (!it->payload)
				return cn_err_set(err, CN_ENOMEM, "out of memory");
		}
	}
	return 0;
}

int cn_app_seed(struct cn_app *app, const char *path, int64_t now,
		struct cn_err *err)
{
	json_t *root;
	const json_t *a;
	int rc = 0, empty = 0;

	if ((rc = cn_store_empty(cn_app_store(app), &empty, err)))
		return rc;
	if (!empty)
		return cn_err_set(err, CN_EREFUSED,
				  "the store already holds events; a dataset "
				  "seeds only an empty store");
	if (!(root = cn_json_file_load(path, "dataset", err)))
		return err->code;
	a = json_object_get(root, "alliance");
	if (!json_is_object(a) || !json_is_string(json_object_get(a, "id")) ||
	    !json_is_string(json_object_get(a, "name")))
		rc = cn_err_set(err, CN_EINVAL,
				"%s: needs an 'alliance' object with id and name",
				path);
	for (size_t s = 0; !rc && s < sizeof(sections) / sizeof(sections[0]); s++) {
		const json_t *arr = json_object_get(root, sections[s].name), *rec;
		size_t i;
		if (!json_is_array(arr)) {
			rc = cn_err_set(err, CN_EINVAL, "%s: '%s' must be a list",
					path, sections[s].name);
			break;
		}
		json_array_foreach(arr, i, rec)
			if ((rc = check_record(path, &sections[s], i, rec, err)))
				break;
	}
	/* The fold checks the rest (rules parse, clauses are well formed,
	 * no duplicates); its errors roll the whole seed back. */
	if (!rc && (rc = cn_app_run(app, now, "dataset", seed_fn, root, NULL, err)))
		cn_err_prefix(err, "%s: ", path);
	json_decref(root);
	return rc;
}
