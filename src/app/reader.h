/*
 * reader.h - a read-only view of a store, for one thread: everything a
 * reader (the server's HTTP threads) asks of the record, so that no face
 * reads the store's tables itself.
 *
 * A reader opens its own read-only connection.  In WAL mode it sees only
 * committed, hence durable, transactions, while the one writer goes on.
 * It keeps the registry (members, partners, bodies, offices) as a world,
 * rebuilt from the projection tables only when a registry event has been
 * committed since: cn_reader_refresh() says what moved, so that a caller
 * can keep its own caches for exactly as long as they hold.
 *
 * Ownership: struct cn_reader is opaque, made by cn_reader_open() and
 * freed by cn_reader_close(); one reader per thread (not thread-safe).
 * The world from cn_reader_registry() is borrowed until the next refresh.
 * Texts are malloc'd and JSON values are new references, the caller's.
 * Events passed to a scan callback are borrowed for the call.
 */
#ifndef CN_READER_H
#define CN_READER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../core/merkle.h"
#include "../core/world.h"
#include "sight.h"

struct cn_reader;

int cn_reader_open(const char *path, struct cn_reader **out,
		   struct cn_err *err) CN_NODISCARD;
void cn_reader_close(struct cn_reader *rd);

/* What cn_reader_refresh found moved since its last call (everything, the
 * first time). */
enum {
	CN_READER_DATA = 1,     /* another connection committed something */
	CN_READER_REGISTRY = 2, /* ... a registry event: the world was rebuilt */
	CN_READER_TOKENS = 4,   /* ... a token was issued or revoked */
};

/* Catch up with the last commit: one cheap check (SQLite's data_version)
 * when nothing was committed; *moved gets the CN_READER_* bits.  On error
 * the reader rebuilds everything at its next refresh. */
int cn_reader_refresh(struct cn_reader *rd, unsigned *moved,
		      struct cn_err *err) CN_NODISCARD;

/* The store's change counter (data_version) as of the last refresh. */
int64_t cn_reader_version(const struct cn_reader *rd);

/* The registry as of the last refresh (proposals are not in it). */
const struct cn_world *cn_reader_registry(const struct cn_reader *rd);

/* The fields of proposal `id` that decide who may see it (sight.h), or
 * CN_ENOTFOUND. */
int cn_reader_proposal_sight(struct cn_reader *rd, int64_t id,
			     struct cn_proposal_sight *out, struct cn_err *err)
	CN_NODISCARD;
/* The same fields, read from a proposal's JSON view. */
void cn_proposal_sight_of(const json_t *view, struct cn_proposal_sight *out);

/* The stored JSON view of proposal `id` (canonical text, as stored: *text
 * malloc'd, NUL-terminated, *len bytes), or CN_ENOTFOUND. */
int cn_reader_proposal_text(struct cn_reader *rd, int64_t id, char **text,
			    size_t *len, struct cn_err *err) CN_NODISCARD;

/* A stored view's text (from cn_reader_proposal_text, or a scan of the
 * open proposals) as JSON, *out a new reference: CN_ECORRUPT, naming
 * proposal `id`, when the text is not JSON; CN_ENOMEM when memory ran
 * out parsing it (core/json_alloc.h: jansson may call that a syntax
 * error, or return a value that is not the text's). */
int cn_proposal_view_parse(int64_t id, const char *text, size_t len,
			   json_t **out, struct cn_err *err) CN_NODISCARD;

/* Every proposal's view, in id order (*out: a new array). */
int cn_reader_proposals(struct cn_reader *rd, json_t **out,
			struct cn_err *err) CN_NODISCARD;

/* Read the log from event `from` on, in order, checking the hash chain as
 * it goes (CN_ECORRUPT names the first bad event).  fn may stop the scan
 * by returning nonzero; that value is returned. */
typedef int (*cn_reader_event_fn)(void *ctx, const struct cn_event *ev,
				  struct cn_err *err);
int cn_reader_scan(struct cn_reader *rd, int64_t from, cn_reader_event_fn fn,
		   void *ctx, struct cn_err *err) CN_NODISCARD;

/* The events of proposal `id`, in log order, through fn (the store's
 * index on the proposal: the cost grows with the proposal's events, not
 * with the log; not chain-checked, for display). */
int cn_reader_proposal_events(struct cn_reader *rd, int64_t id,
			      cn_reader_event_fn fn, void *ctx,
			      struct cn_err *err) CN_NODISCARD;

/* ---- the verifiable record (docs/MERKLE.md) ---------------------------- */

/* The log's public key as a note verifier key (*vkey malloc'd). */
int cn_reader_log_key(struct cn_reader *rd, char **vkey, struct cn_err *err)
	CN_NODISCARD;
/* The newest signed checkpoint, or with until < INT64_MAX the one signed
 * last at or before that time (a cadence, docs/MERKLE.md): its note
 * (malloc'd), size and root; CN_ENOTFOUND when none was signed. */
int cn_reader_checkpoint(struct cn_reader *rd, int64_t until, char **note,
			 uint64_t *size, uint8_t root[CN_MERKLE_HASH_LEN],
			 struct cn_err *err) CN_NODISCARD;
/* Event `seq` with its salt, its hash checked (the caller releases *ev);
 * CN_ENOTFOUND when there is none. */
int cn_reader_event(struct cn_reader *rd, int64_t seq, struct cn_event *ev,
		    struct cn_err *err) CN_NODISCARD;
/* How many events the tree holds. */
int cn_reader_tree_size(struct cn_reader *rd, uint64_t *size,
			struct cn_err *err) CN_NODISCARD;
/* RFC 9162 proofs from the stored nodes. */
int cn_reader_inclusion(struct cn_reader *rd, uint64_t index, uint64_t size,
			struct cn_merkle_proof *proof, struct cn_err *err)
	CN_NODISCARD;
int cn_reader_consistency(struct cn_reader *rd, uint64_t size1,
			  uint64_t size2, struct cn_merkle_proof *proof,
			  struct cn_err *err) CN_NODISCARD;

/* ---- tokens ---------------------------------------------------------- */

/* A valid (issued, not revoked) token, as the store keeps it. */
struct cn_reader_token {
	int64_t id;
	char role[16];  /* secretariat | member | partner */
	char code[16];  /* member or partner code; "" for the secretariat */
};

/* Look a token up by its SHA-256: 0 when valid; CN_ENOTFOUND when it is
 * unknown or revoked. */
int cn_reader_token(struct cn_reader *rd, const uint8_t hash[CN_HASH_LEN],
		    struct cn_reader_token *out, struct cn_err *err)
	CN_NODISCARD;
/* A valid calendar feed key, as a list shows it (never the key). */
struct cn_reader_feed {
	int64_t id;
	char label[128];  /* "" for none */
	char created[32];
};

/* The valid calendar feed keys made for token `owner`, oldest first: those
 * above id `after` (0: from the first), at most `limit` (*out malloc'd,
 * the caller's; cn_store_feed_list). */
int cn_reader_feeds(struct cn_reader *rd, int64_t owner, int64_t after,
		    int64_t limit, struct cn_reader_feed **out, size_t *n,
		    struct cn_err *err) CN_NODISCARD;
/* The same for a calendar feed key (store.h, cn_store_feed_find): the
 * principal its owner token stands for, with out->id the feed's own id.
 * CN_ENOTFOUND when the key, or its owner, is unknown or revoked. */
int cn_reader_feed(struct cn_reader *rd, const uint8_t hash[CN_HASH_LEN],
		   struct cn_reader_token *out, struct cn_err *err)
	CN_NODISCARD;

/* ---- people and sessions (store/people.h) ---------------------------- */

struct cn_person;
struct cn_session;

/* A person by name (disabled or not: the caller decides): 0, or
 * CN_ENOTFOUND. */
int cn_reader_person(struct cn_reader *rd, const char *name,
		     struct cn_person *out, struct cn_err *err) CN_NODISCARD;
/* The person with that id (disabled or not): 0, or CN_ENOTFOUND. */
int cn_reader_person_id(struct cn_reader *rd, int64_t id,
			struct cn_person *out, struct cn_err *err)
	CN_NODISCARD;
/* People by id: above `after` (0: from the first), at most `limit`
 * (cn_store_people_list). */
int cn_reader_people(struct cn_reader *rd, int64_t after, int64_t limit,
		     int (*fn)(void *ctx, const struct cn_person *p,
			       struct cn_err *err),
		     void *ctx, struct cn_err *err) CN_NODISCARD;
/* A session by the SHA-256 of its cookie value, with its person: 0 when
 * it is neither ended nor its person disabled (its expiry is the
 * caller's to check); CN_ENOTFOUND otherwise. */
int cn_reader_session(struct cn_reader *rd, const uint8_t hash[CN_HASH_LEN],
		      struct cn_session *s, struct cn_person *p,
		      struct cn_err *err) CN_NODISCARD;

/* ---- passkeys (store/passkeys.h) --------------------------------------- */

struct cn_passkey;

/* A person's passkeys, by id (cn_store_passkeys). */
int cn_reader_passkeys(struct cn_reader *rd, int64_t person,
		       int (*fn)(void *ctx, const struct cn_passkey *k,
				 struct cn_err *err),
		       void *ctx, struct cn_err *err) CN_NODISCARD;
/* The passkey with that credential id, and its person (disabled or not:
 * the caller decides): 0, or CN_ENOTFOUND. */
int cn_reader_passkey(struct cn_reader *rd, const uint8_t *cred, size_t len,
		      struct cn_passkey *k, struct cn_person *p,
		      struct cn_err *err) CN_NODISCARD;

#endif
