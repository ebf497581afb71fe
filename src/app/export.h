/*
 * export.h - the log outside the database: export it as JSON Lines with
 * its checkpoints, for everyone or for one audience, and verify such a
 * file with nothing but the log's public key, so anyone can check the
 * record without the store; and the receipt of one event.
 *
 * Format 2 (one JSON value per line; docs/MERKLE.md, "Exports"):
 *   {"council_log":2,"vkey":"<log key>","audience":"all"|"member:FR"|...}
 *   {"salt":"<base64, 32 bytes>","event":<the event's canonical bytes>}
 *                                   an event the audience may see in full
 *   {"leaf":"<base64, 32 bytes>","seq":N}
 *                                   an event it may not: its leaf hash only
 *   {"checkpoint":"<signed note>"}  each signed checkpoint, by size
 * Entries are in seq order, one per event.  The layout of an entry line is
 * fixed (a verifier takes the event's bytes as the exact text between
 * `"event":` and the final `}`), so the bytes hashed are the bytes signed.
 *
 * Ownership: receipts are new JSON references; nothing else is kept.
 */
#ifndef CN_EXPORT_H
#define CN_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "app.h"
#include "sight.h"

#define CN_EXPORT_FORMAT 2
#define CN_RECEIPT_FORMAT 2

/* Export one snapshot of the store to out: for `audience` (NULL: all, the
 * secretariat's export) the events it may see in full, with their salts,
 * and the others as their leaf hashes, by the rule of sight.h with the
 * registry as of `now`.  A member or partner code must be in the
 * registry. */
int cn_app_export(struct cn_app *app, FILE *out,
		  const struct cn_audience *audience, int64_t now,
		  struct cn_err *err) CN_NODISCARD;

/* The receipt of event `seq`: its bytes and salt, the latest signed
 * checkpoint and the inclusion proof leading to it, with the log key the
 * store names (new reference in *out):
 *   {"council_receipt":2,"log_key","index","event","salt","checkpoint",
 *    "proof"}
 * The one format of `respond --receipt`, the API's answer to a position,
 * `council receipt verify` and the web page's verifier.  It goes to the
 * principal who made the event, who may see it. */
int cn_receipt_json(struct cn_store *st, int64_t seq, json_t **out,
		    struct cn_err *err) CN_NODISCARD;

struct cn_merkle_proof;
/* A proof as the CLI, the API and receipts write it: an array of base64
 * hashes, lowest node first (new reference; NULL when out of memory). */
json_t *cn_proof_json(const struct cn_merkle_proof *p);

struct cn_export_stats {
	int64_t events;      /* entries, one per event */
	int64_t commitments; /* of which checked only as commitments */
	int64_t checkpoints;
	int64_t chained;     /* of them, through the next one's chain line */
	uint64_t bytes;      /* event bytes hashed */
	char audience[32];   /* as the header names it */
};

/* Verify an exported log: every full entry's bytes, hashed with its salt,
 * give its leaf, and it names the entry before it (full or commitment
 * only) as prev; seqs run 1, 2, ...; the Merkle tree over the leaves gives
 * each checkpoint's root; every checkpoint is signed by `vkey` (NULL: the
 * key the file's header names, which proves only self-consistency) and
 * consistent with the one before, and the last covers every entry; every
 * delegation signature in a full entry verifies (the registry, keys and
 * proposals it is checked against are decoded and folded; other events
 * are checked by the chain and the tree on their raw bytes).  A
 * commitment-only entry proves that some event holds that place in the
 * signed tree, and nothing of what it says.  Names the first bad line.
 * A store's `council verify` also replays every event and compares the
 * projections. */
int cn_verify_export(const char *path, const char *vkey,
		     struct cn_export_stats *stats, struct cn_err *err)
	CN_NODISCARD;
/* The same over the `len` bytes of an export in memory, read where they
 * are (the caller keeps them until it returns), and called `name` in the
 * messages: how a regular file is checked, mapped whole. */
int cn_verify_export_bytes(const char *name, const char *bytes, size_t len,
			   const char *vkey, struct cn_export_stats *stats,
			   struct cn_err *err) CN_NODISCARD;

#endif
