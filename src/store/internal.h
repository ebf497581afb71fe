/*
 * internal.h - internal to src/store/ (not its backends): the store
 * handle shared by store.c (lifecycle, rows, readers, tokens, meta) and
 * log.c (the log, the Merkle tree, checkpoints).
 */
#ifndef CN_STORE_INTERNAL_H
#define CN_STORE_INTERNAL_H

#include "store.h"

#define CN_STORE_DOCS 64

struct cn_store {
	const struct cn_store_ops *ops;
	struct cn_store_backend *b;
	/* The last proposal docs this store wrote, so the server can answer
	 * a write without building the view again. */
	struct {
		int64_t id;
		char *text;
	} docs[CN_STORE_DOCS];
	int ndocs;
	/* The log's signing key (Ed25519), set by the app; without one no
	 * checkpoint is signed. */
	char *signer_name;
	uint8_t signer_sk[CN_NOTE_SECKEY_LEN];
	/* Detail of a failed node lookup during a Merkle computation (the
	 * lookup callback cannot take an err). */
	struct cn_err node_err;
	/* Nesting of read transactions: an inner one joins the outer's
	 * snapshot (a reader inside an export's, say). */
	int reads;
};

#endif
