/*
 * pg_snapshot.c - the PostgreSQL backend's snapshots of the writer's world
 * (store.h): tables snapshots(seq, hash, bytes) and snapshot_parts(hash,
 * bytes) (snapparts.h), made on a writable open of a store that has none,
 * as the SQLite backend does (sqlite_snapshot.c).
 */
#include "pg.h"

#include <stdio.h>

int cn_pg_create_snapshots(struct cn_store_backend *b, struct cn_err *err)
{
	return cn_pg_script(b, "CREATE TABLE IF NOT EXISTS snapshots("
			    "  seq bigint PRIMARY KEY,"
			    "  hash bytea NOT NULL CHECK(length(hash) = 32),"
			    "  bytes bytea NOT NULL);"
			    "CREATE TABLE IF NOT EXISTS snapshot_parts("
			    "  hash bytea PRIMARY KEY CHECK(length(hash) = 32),"
			    "  bytes bytea NOT NULL)", "creating snapshots", err);
}

int cn_pg_snapshot_put(struct cn_store_backend *b,
		       const struct cn_snapshot_row *s, unsigned keep,
		       struct cn_err *err)
{
	struct cn_pg_params p = {0}, k = {0};
	int rc;

	cn_pg_int(&p, s->seq);
	cn_pg_bytes(&p, s->hash, s->hashlen);
	cn_pg_bytes(&p, s->bytes, s->len);
	if ((rc = cn_pg_cmd(b, "INSERT INTO snapshots(seq, hash, bytes)"
			    " VALUES($1, $2, $3) ON CONFLICT(seq) DO UPDATE"
			    " SET hash = excluded.hash, bytes = excluded.bytes",
			    &p, NULL, "writing a snapshot", err)))
		return rc;
	cn_pg_int(&k, keep);
	return cn_pg_cmd(b, "DELETE FROM snapshots WHERE seq NOT IN"
			 " (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT $1)",
			 &k, NULL, "dropping old snapshots", err);
}

int cn_pg_snapshot_drop(struct cn_store_backend *b, int64_t seq,
			struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_int(&p, seq);
	return cn_pg_cmd(b, "DELETE FROM snapshots WHERE seq = $1", &p, NULL,
			 "dropping a snapshot", err);
}

struct snap_scan {
	cn_snapshot_fn fn;
	void *ctx;
};

static int snapshot_row(void *ctx, const struct cn_pg_row *r,
			struct cn_err *err)
{
	struct snap_scan *ss = ctx;
	struct cn_snapshot_row row = {.seq = cn_pg_int64(r, 0)};

	row.hash = (const uint8_t *)cn_pg_value(r, 1, &row.hashlen);
	row.bytes = (const uint8_t *)cn_pg_value(r, 2, &row.len);
	return ss->fn(ss->ctx, &row, err);
}

int cn_pg_snapshots(struct cn_store_backend *b, cn_snapshot_fn fn, void *ctx,
		    struct cn_err *err)
{
	struct snap_scan ss = {fn, ctx};
	int64_t have = 0;
	int rc;

	/* A read-only open of a store no writer of this version has opened
	 * yet has no table: no snapshot. */
	if ((rc = cn_pg_one(b, "SELECT (to_regclass(" CN_PG_HERE("snapshots")
			    ") IS NOT NULL)::int::int8", NULL,
			    cn_pg_get_int64, &have, "reading the schema",
			    "no schema", err)))
		return rc;
	if (!have)
		return 0;
	return cn_pg_each(b, "SELECT seq, hash, bytes FROM snapshots"
			  " ORDER BY seq DESC", NULL, snapshot_row, &ss,
			  "reading snapshots", err);
}

/* ---- parts (snapparts.h) ------------------------------------------------ */

int cn_pg_part_put(struct cn_store_backend *b, const uint8_t *hash,
		   const uint8_t *bytes, size_t len, int replace,
		   struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	cn_pg_bytes(&p, bytes, len);
	return cn_pg_cmd(b, replace
			 ? "INSERT INTO snapshot_parts(hash, bytes) VALUES($1, $2)"
			   " ON CONFLICT(hash) DO UPDATE SET bytes = excluded.bytes"
			 : "INSERT INTO snapshot_parts(hash, bytes) VALUES($1, $2)"
			   " ON CONFLICT(hash) DO NOTHING",
			 &p, NULL, "writing a snapshot's part", err);
}

struct part_out {
	cn_snapshot_piece_fn fn;
	void *ctx;
};

static int part_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	const struct part_out *o = ctx;
	size_t len;
	const char *v = cn_pg_value(r, 0, &len);

	return o->fn(o->ctx, (const uint8_t *)v, len, err);
}

int cn_pg_part_get(struct cn_store_backend *b, const uint8_t *hash,
		   cn_snapshot_piece_fn fn, void *ctx, struct cn_err *err)
{
	struct cn_pg_params p = {0};
	struct part_out o = {fn, ctx};

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	return cn_pg_one(b, "SELECT bytes FROM snapshot_parts WHERE hash = $1",
			 &p, part_row, &o, "reading a snapshot's part",
			 "no such part", err);
}

int cn_pg_part_hashes(struct cn_store_backend *b, cn_snapshot_piece_fn fn,
		      void *ctx, struct cn_err *err)
{
	struct part_out o = {fn, ctx};

	return cn_pg_each(b, "SELECT hash FROM snapshot_parts", NULL, part_row,
			  &o, "reading a snapshot's parts", err);
}

int cn_pg_part_drop(struct cn_store_backend *b, const uint8_t *hash,
		    struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_bytes(&p, hash, CN_HASH_LEN);
	return cn_pg_cmd(b, "DELETE FROM snapshot_parts WHERE hash = $1", &p,
			 NULL, "dropping a snapshot's part", err);
}
