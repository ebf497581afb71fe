/*
 * export.h - the log outside the database: export it as JSON Lines with
 * its checkpoints, and verify such a file with nothing but the log's
 * public key, so anyone can check the record without the store.
 *
 * Format (one JSON value per line):
 *   {"council_log":1,"vkey":"<log key>"}        header
 *   <event canonical bytes>                       one line per event, in order
 *   {"checkpoint":"<signed note>"}                each signed checkpoint
 */
#ifndef CN_EXPORT_H
#define CN_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "app.h"

int cn_app_export(struct cn_app *app, FILE *out, struct cn_err *err)
	CN_NODISCARD;

/* The receipt of event `seq`: its bytes, the latest signed checkpoint and
 * the inclusion proof leading to it, with the log key the store names
 * (new reference in *out).  The one format of `respond --receipt`, the
 * API's answer to a position, and `council receipt verify`. */
int cn_receipt_json(struct cn_store *st, int64_t seq, json_t **out,
		    struct cn_err *err) CN_NODISCARD;

struct cn_merkle_proof;
/* A proof as the CLI, the API and receipts write it: an array of base64
 * hashes, lowest node first (new reference; NULL when out of memory). */
json_t *cn_proof_json(const struct cn_merkle_proof *p);

struct cn_export_stats {
	int64_t events, checkpoints;
	uint64_t bytes;      /* event bytes hashed */
};

/* Verify an exported log: every event links to the one before (its hash
 * over its exact bytes); the Merkle tree over the events gives each
 * checkpoint's root; every checkpoint is signed by `vkey` (NULL: the key
 * the file's header names, which proves only self-consistency) and
 * consistent with the one before; every delegation signature verifies
 * (the registry, keys and proposals it is checked against are decoded and
 * folded; other events are checked by the chain and the tree on their
 * raw bytes).  Names the first bad line.  A store's `council verify`
 * also replays every event and compares the projections. */
int cn_verify_export(const char *path, const char *vkey,
		     struct cn_export_stats *stats, struct cn_err *err)
	CN_NODISCARD;

#endif
