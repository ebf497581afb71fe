/* reader.c - see reader.h.  A thin layer over the store's read functions:
 * what it adds is the registry world and knowing when it is stale. */
#include "reader.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json_alloc.h"
#include "../store/store.h"
#include "projection.h"

struct cn_reader {
	struct cn_store *st;
	struct cn_world reg;
	int current;             /* the versions below are those of the store */
	int64_t data_version;    /* SQLite's, at the last refresh */
	int64_t registry_version;
	int64_t tokens_version;
};

int cn_reader_open(const char *path, struct cn_reader **out,
		   struct cn_err *err)
{
	struct cn_reader *rd = calloc(1, sizeof(*rd));
	int rc;

	if (!rd)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = cn_store_open(path, CN_STORE_READONLY, &rd->st, err))) {
		free(rd);
		return rc;
	}
	cn_world_init(&rd->reg);
	*out = rd;
	return 0;
}

void cn_reader_close(struct cn_reader *rd)
{
	if (!rd)
		return;
	cn_world_release(&rd->reg);
	cn_store_close(rd->st);
	free(rd);
}

int cn_reader_refresh(struct cn_reader *rd, unsigned *moved,
		      struct cn_err *err)
{
	int64_t dv, reg, tokens;
	int rc;

	*moved = 0;
	/* PostgreSQL gives all three counters in the one query a request
	 * pays anyway; SQLite the change counter alone, and meta is read
	 * only when it moved. */
	if ((rc = cn_store_versions(rd->st, &dv, &reg, &tokens, err)))
		return rc;
	if (rd->current && dv == rd->data_version)
		return 0; /* nothing committed since */
	if (reg < 0 &&
	    (rc = cn_store_registry_version(rd->st, &reg, &tokens, err)))
		return rc;
	*moved = CN_READER_DATA;
	if (!rd->current || tokens != rd->tokens_version)
		*moved |= CN_READER_TOKENS;
	if (!rd->current || reg != rd->registry_version) {
		/* Most commits touch proposals only: rebuild the registry
		 * just when one of its own events landed. */
		cn_world_release(&rd->reg);
		cn_world_init(&rd->reg);
		if ((rc = cn_projection_registry(rd->st, &rd->reg, err))) {
			rd->current = 0;
			*moved = 0;
			return rc;
		}
		*moved |= CN_READER_REGISTRY;
	}
	rd->data_version = dv;
	rd->registry_version = reg;
	rd->tokens_version = tokens;
	rd->current = 1;
	return 0;
}

int64_t cn_reader_version(const struct cn_reader *rd)
{
	return rd->data_version;
}

const struct cn_world *cn_reader_registry(const struct cn_reader *rd)
{
	return &rd->reg;
}

int cn_reader_proposal_sight(struct cn_reader *rd, int64_t id,
			     struct cn_proposal_sight *out, struct cn_err *err)
{
	memset(out, 0, sizeof(*out));
	return cn_store_proposal_meta(rd->st, id, out->body, &out->shared,
				      &out->adopted, err);
}

void cn_proposal_sight_of(const json_t *view, struct cn_proposal_sight *out)
{
	const char *body = json_string_value(json_object_get(view, "body"));
	const char *status = json_string_value(json_object_get(view, "status"));
	const char *outcome = json_string_value(json_object_get(view, "outcome"));

	memset(out, 0, sizeof(*out));
	snprintf(out->body, sizeof(out->body), "%s", body ? body : "");
	out->shared = json_is_true(json_object_get(view, "shared"));
	out->adopted = status && !strcmp(status, "concluded") && outcome &&
		       !strcmp(outcome, "adopted");
}

int cn_reader_proposal_text(struct cn_reader *rd, int64_t id, char **text,
			    size_t *len, struct cn_err *err)
{
	return cn_store_proposal_text(rd->st, id, text, len, err);
}

int cn_proposal_view_parse(int64_t id, const char *text, size_t len,
			   json_t **out, struct cn_err *err)
{
	json_error_t je;
	int oom = 0;

	if ((*out = cn_json_loadb(text, len, 0, &je, &oom)))
		return 0;
	return oom ? cn_err_set(err, CN_ENOMEM, "proposal %lld: out of memory "
				"reading its stored view", (long long)id)
		   : cn_err_set(err, CN_ECORRUPT, "proposal %lld: its stored "
				"view is not JSON: %s", (long long)id, je.text);
}

int cn_reader_proposals(struct cn_reader *rd, json_t **out, struct cn_err *err)
{
	return cn_store_proposal_docs(rd->st, out, err);
}

int cn_reader_scan(struct cn_reader *rd, int64_t from, cn_reader_event_fn fn,
		   void *ctx, struct cn_err *err)
{
	return cn_store_scan(rd->st, from, fn, ctx, err);
}

int cn_reader_proposal_events(struct cn_reader *rd, int64_t id,
			      cn_reader_event_fn fn, void *ctx,
			      struct cn_err *err)
{
	return cn_store_proposal_events(rd->st, id, fn, ctx, err);
}

int cn_reader_log_key(struct cn_reader *rd, char **vkey, struct cn_err *err)
{
	return cn_store_get_meta(rd->st, "log_vkey", vkey, err);
}

int cn_reader_checkpoint(struct cn_reader *rd, int64_t until, char **note,
			 uint64_t *size, uint8_t root[CN_MERKLE_HASH_LEN],
			 struct cn_err *err)
{
	return cn_store_checkpoint_until(rd->st, until, note, size, root, err);
}

int cn_reader_event(struct cn_reader *rd, int64_t seq, struct cn_event *ev,
		    struct cn_err *err)
{
	return cn_store_event(rd->st, seq, ev, err);
}

int cn_reader_tree_size(struct cn_reader *rd, uint64_t *size,
			struct cn_err *err)
{
	return cn_store_tree_size(rd->st, size, err);
}

int cn_reader_inclusion(struct cn_reader *rd, uint64_t index, uint64_t size,
			struct cn_merkle_proof *proof, struct cn_err *err)
{
	return cn_store_inclusion(rd->st, index, size, proof, err);
}

int cn_reader_consistency(struct cn_reader *rd, uint64_t size1,
			  uint64_t size2, struct cn_merkle_proof *proof,
			  struct cn_err *err)
{
	return cn_store_consistency(rd->st, size1, size2, proof, err);
}

static int token_out(int rc, const struct cn_token_info *info,
		     struct cn_reader_token *out)
{
	if (rc)
		return rc;
	out->id = info->id;
	snprintf(out->role, sizeof(out->role), "%s", info->role);
	snprintf(out->code, sizeof(out->code), "%s", info->principal);
	return 0;
}

int cn_reader_feed(struct cn_reader *rd, const uint8_t hash[CN_HASH_LEN],
		   struct cn_reader_token *out, struct cn_err *err)
{
	struct cn_token_info info;

	memset(out, 0, sizeof(*out));
	return token_out(cn_store_feed_find(rd->st, hash, &info, err), &info,
			 out);
}

int cn_reader_feeds(struct cn_reader *rd, int64_t owner, int64_t after,
		    int64_t limit, struct cn_reader_feed **out, size_t *n,
		    struct cn_err *err)
{
	struct cn_token_info *all;
	struct cn_reader_feed *v;
	size_t nall, k = 0;
	int rc;

	if ((rc = cn_store_feed_list(rd->st, owner, after, limit, &all, &nall,
				     err)))
		return rc;
	if (!(v = calloc(nall + 1, sizeof(*v)))) {
		free(all);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nall; i++) {
		assert(all[i].feed_of == owner && !all[i].revoked[0]);
		v[k].id = all[i].id;
		snprintf(v[k].label, sizeof(v[k].label), "%s", all[i].label);
		snprintf(v[k].created, sizeof(v[k].created), "%s",
			 all[i].created);
		k++;
	}
	free(all);
	*out = v;
	*n = k;
	return 0;
}

int cn_reader_token(struct cn_reader *rd, const uint8_t hash[CN_HASH_LEN],
		    struct cn_reader_token *out, struct cn_err *err)
{
	struct cn_token_info info;

	memset(out, 0, sizeof(*out));
	return token_out(cn_store_token_find(rd->st, hash, &info, err), &info,
			 out);
}

static int copy_person(void *ctx, const struct cn_person *p, struct cn_err *err)
{
	(void)err;
	*(struct cn_person *)ctx = *p;
	return 0;
}

int cn_reader_person(struct cn_reader *rd, const char *name,
		     struct cn_person *out, struct cn_err *err)
{
	memset(out, 0, sizeof(*out));
	return cn_store_people(rd->st, name, 0, copy_person, out, err);
}

int cn_reader_person_id(struct cn_reader *rd, int64_t id,
			struct cn_person *out, struct cn_err *err)
{
	memset(out, 0, sizeof(*out));
	return cn_store_people(rd->st, NULL, id, copy_person, out, err);
}

int cn_reader_people(struct cn_reader *rd, int64_t after, int64_t limit,
		     int (*fn)(void *ctx, const struct cn_person *p,
			       struct cn_err *err),
		     void *ctx, struct cn_err *err)
{
	return cn_store_people_list(rd->st, after, limit, fn, ctx, err);
}

int cn_reader_session(struct cn_reader *rd, const uint8_t hash[CN_HASH_LEN],
		      struct cn_session *s, struct cn_person *p,
		      struct cn_err *err)
{
	return cn_store_session_find(rd->st, hash, s, p, err);
}

int cn_reader_passkeys(struct cn_reader *rd, int64_t person,
		       int (*fn)(void *ctx, const struct cn_passkey *k,
				 struct cn_err *err),
		       void *ctx, struct cn_err *err)
{
	return cn_store_passkeys(rd->st, person, fn, ctx, err);
}

int cn_reader_passkey(struct cn_reader *rd, const uint8_t *cred, size_t len,
		      struct cn_passkey *k, struct cn_person *p,
		      struct cn_err *err)
{
	int rc = cn_store_passkey_find(rd->st, cred, len, k, err);

	memset(p, 0, sizeof(*p));
	return rc ? rc : cn_reader_person_id(rd, k->person, p, err);
}
