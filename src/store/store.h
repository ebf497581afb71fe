/*
 * store.h - the durable home of an alliance: the event log and its
 * projections (current-state tables), in one SQLite database.
 *
 * The log is the truth; projections are derived from it and written in
 * the same transaction as the events that change them, so readers (the
 * CLI's SQL-level users, the server's read connections) never see one
 * without the other.  The database runs in WAL mode with
 * synchronous=FULL: a committed transaction survives power loss.
 * Exactly one connection writes (SQLite 3.40's WAL-reset bug needs two
 * writers to bite; see docs/ARCHITECTURE.md).
 *
 * A council database is marked with PRAGMA application_id 'CNCL'; any
 * other SQLite file is refused rather than written to.
 *
 * Ownership: struct cn_store is opaque, created by cn_store_open and freed
 * by cn_store_close.  Events passed to callbacks are borrowed for the call.
 * Not thread-safe: one store per thread.
 */
#ifndef CN_STORE_H
#define CN_STORE_H

#include <stdint.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../core/checkpoint.h"
#include "../core/merkle.h"
#include "../core/world.h"

struct cn_store;

enum {
	CN_STORE_CREATE = 1,   /* create the file and schema if missing */
	CN_STORE_READONLY = 2,
	CN_STORE_MEMORY = 4,   /* a private in-memory store (path ignored) */
};

int cn_store_open(const char *path, int flags, struct cn_store **out,
		  struct cn_err *err) CN_NODISCARD;
void cn_store_close(struct cn_store *st);

/* Nonzero when the store holds no event yet. */
int cn_store_empty(struct cn_store *st);

int cn_store_begin(struct cn_store *st, struct cn_err *err) CN_NODISCARD;
int cn_store_commit(struct cn_store *st, struct cn_err *err) CN_NODISCARD;
void cn_store_rollback(struct cn_store *st);

/* Append one sealed event (inside a transaction). */
int cn_store_append(struct cn_store *st, const struct cn_event *ev,
		    struct cn_err *err) CN_NODISCARD;

/* Rewrite the projection rows of one entity (kind and key as given by
 * cn_event_entity) from the world (inside a transaction).  For a
 * proposal, `member` (may be NULL: all) limits the positions rows
 * rewritten to that member's. */
int cn_store_project(struct cn_store *st, const struct cn_world *w,
		     const char *kind, const char *key, const char *member,
		     struct cn_err *err) CN_NODISCARD;

/* A proposal's projection in parts: its JSON view (doc) and its positions
 * rows (member NULL: all; "": none; else that member's).  A write batch
 * rewrites positions as each event lands but each touched proposal's view
 * only once, at the end. */
int cn_store_project_proposal(struct cn_store *st, const struct cn_world *w,
			      int64_t id, int doc, const char *member,
			      struct cn_err *err) CN_NODISCARD;

/* A copy (malloc'd) of the view of proposal `id` written since the last
 * cn_store_docs_reset(), or CN_ENOTFOUND. */
int cn_store_last_doc(struct cn_store *st, int64_t id, char **text,
		      struct cn_err *err) CN_NODISCARD;
void cn_store_docs_reset(struct cn_store *st);

/* Read events from seq `from` on, in order, checking the hash chain as it
 * goes: each event's bytes must decode canonically, hash to the stored
 * hash, and name the previous event's hash.  The first event that fails
 * stops the scan with CN_ECORRUPT and a message naming its sequence
 * number.  fn may stop the scan by returning nonzero (that value is
 * returned).  When from > 1 the chain is checked from event from-1. */
typedef int (*cn_event_fn)(void *ctx, const struct cn_event *ev,
			   struct cn_err *err);
int cn_store_scan(struct cn_store *st, int64_t from, cn_event_fn fn,
		  void *ctx, struct cn_err *err) CN_NODISCARD;

/* Events of one proposal, in order (not chain-checked: for display). */
int cn_store_proposal_events(struct cn_store *st, int64_t proposal,
			     cn_event_fn fn, void *ctx, struct cn_err *err)
	CN_NODISCARD;

/* Replay the whole log into a fresh world (verifying the chain) and
 * compare every projection table with the rows that world gives.  Returns
 * 0 when they match; CN_ECORRUPT naming the first differing table and row
 * otherwise.  *w (may be NULL) receives the replayed world. */
int cn_store_check_projections(struct cn_store *st, struct cn_world *w,
			       struct cn_err *err) CN_NODISCARD;

/* Load the world by replaying the log (verifying the chain). */
int cn_store_load(struct cn_store *st, struct cn_world *w, struct cn_err *err)
	CN_NODISCARD;


/* ---- registry snapshot, for readers ------------------------------------ */

/* A number that changes whenever a registry entity (alliance, member,
 * partner, body, office) changes: the sequence number of the last such
 * event.  Readers cache a registry world and rebuild it when this moves.
 * *tokens likewise moves whenever a token is issued or revoked. */
int cn_store_registry_version(struct cn_store *st, int64_t *out,
			      int64_t *tokens, struct cn_err *err) CN_NODISCARD;

/* Build a world holding only the registry, from the projection tables
 * (one read transaction).  *w must be initialised by the caller. */
int cn_store_load_registry(struct cn_store *st, struct cn_world *w,
			   struct cn_err *err) CN_NODISCARD;

/* The stored JSON view of proposal `id` (new reference), or CN_ENOTFOUND. */
int cn_store_proposal_doc(struct cn_store *st, int64_t id, json_t **out,
			  struct cn_err *err) CN_NODISCARD;

/* The stored JSON text of proposal `id` (canonical, as in the table);
 * *text is malloc'd.  CN_ENOTFOUND when there is no such proposal. */
int cn_store_proposal_text(struct cn_store *st, int64_t id, char **text,
			   size_t *len, struct cn_err *err) CN_NODISCARD;

/* What decides who may see proposal `id`: its body, whether it is shared
 * with partners, whether it was adopted.  CN_ENOTFOUND if none. */
int cn_store_proposal_meta(struct cn_store *st, int64_t id, char body[16],
			   int *shared, int *adopted, struct cn_err *err)
	CN_NODISCARD;

/* SQLite's data_version: changes whenever another connection commits.
 * A cheap way for a reader to know whether its caches are stale. */
int cn_store_data_version(struct cn_store *st, int64_t *out,
			  struct cn_err *err) CN_NODISCARD;

/* Every proposal view, in id order (new reference: an array). */
int cn_store_proposal_docs(struct cn_store *st, json_t **out,
			   struct cn_err *err) CN_NODISCARD;

/* ---- the Merkle tree and signed checkpoints (docs/MERKLE.md) -------------
 *
 * Every appended event is a leaf of an RFC 9162 tree whose perfect nodes
 * are stored in the same transaction.  With a signer set, the app signs a
 * checkpoint (C2SP tlog-checkpoint note, Ed25519) before each commit. */

/* The log's signing key: `name` is the note key name and origin. */
int cn_store_set_signer(struct cn_store *st, const char *name,
			const uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
	CN_NODISCARD;
/* Sign and store a checkpoint of the current tree, if it grew since the
 * last one (inside the caller's transaction).  Refuses (CN_ECORRUPT) to
 * sign a tree that no longer gives the last signed root. */
int cn_store_checkpoint_sign(struct cn_store *st, struct cn_err *err)
	CN_NODISCARD;
/* The newest checkpoint: note (malloc'd, may pass NULL), size, root.
 * CN_ENOTFOUND when none was signed. */
int cn_store_checkpoint_latest(struct cn_store *st, char **note,
			       uint64_t *size, uint8_t root[32],
			       struct cn_err *err) CN_NODISCARD;
int cn_store_tree_size(struct cn_store *st, uint64_t *size, struct cn_err *err)
	CN_NODISCARD;
/* The root of the first `size` events, from the stored nodes. */
int cn_store_root_at(struct cn_store *st, uint64_t size, uint8_t root[32],
		     struct cn_err *err) CN_NODISCARD;
int cn_store_inclusion(struct cn_store *st, uint64_t index, uint64_t size,
		       struct cn_merkle_proof *proof, struct cn_err *err)
	CN_NODISCARD;
int cn_store_consistency(struct cn_store *st, uint64_t size1, uint64_t size2,
			 struct cn_merkle_proof *proof, struct cn_err *err)
	CN_NODISCARD;
/* Recompute the tree from the events; check the stored nodes, and every
 * checkpoint's root, signature (by key_name/pk) and consistency with the
 * one before.  *ncheckpoints gets how many were checked. */
int cn_store_check_log(struct cn_store *st, const char *key_name,
		       const uint8_t pk[32], int64_t *ncheckpoints,
		       struct cn_err *err) CN_NODISCARD;

/* The stored bytes of event `seq` (malloc'd). */
int cn_store_event_bytes(struct cn_store *st, int64_t seq, char **bytes,
			 struct cn_err *err) CN_NODISCARD;

/* Every checkpoint, oldest first. */
int cn_store_checkpoints(struct cn_store *st, int (*fn)(void *ctx,
			 uint64_t size, const char *note), void *ctx,
			 struct cn_err *err) CN_NODISCARD;

/* ---- tokens ---------------------------------------------------------------- */

struct cn_token_info {
	int64_t id;
	char role[16];       /* secretariat | member | partner */
	char principal[16];  /* member or partner code; "" for secretariat */
	char label[128];
	char created[32];
	char revoked[32];    /* "" while valid */
};

/* Store the hash of a new token; *id gets its row id. */
int cn_store_token_add(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
		       const char *role, const char *principal,
		       const char *label, int64_t now, int64_t *id,
		       struct cn_err *err) CN_NODISCARD;
/* Look up a token by hash: 0 and *info when it exists and is not revoked;
 * CN_ENOTFOUND otherwise. */
int cn_store_token_find(struct cn_store *st, const uint8_t hash[CN_HASH_LEN],
			struct cn_token_info *info, struct cn_err *err)
	CN_NODISCARD;
/* All tokens, newest last; *out is malloc'd. */
int cn_store_token_list(struct cn_store *st, struct cn_token_info **out,
			size_t *n, struct cn_err *err) CN_NODISCARD;
int cn_store_token_revoke(struct cn_store *st, int64_t id, int64_t now,
			  struct cn_err *err) CN_NODISCARD;

/* A meta value (malloc'd), or CN_ENOTFOUND. */
int cn_store_get_meta(struct cn_store *st, const char *key, char **value,
		      struct cn_err *err) CN_NODISCARD;

/* Set a meta value (inside the caller's transaction). */
int cn_store_set_meta(struct cn_store *st, const char *key, const char *value,
		      struct cn_err *err) CN_NODISCARD;

#endif
