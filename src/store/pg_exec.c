/*
 * pg_exec.c - the PostgreSQL backend's way of talking to the server:
 * typed binary parameters, statements whose status is always checked,
 * binary results read by column, scans through cursors, and a write's
 * pipeline: inside a write transaction the statements nobody waits on
 * are sent ahead in libpq's pipeline mode and their results read at the
 * next wait (pg.h, "Pipelining").
 */
#include "pg.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameters ------------------------------------------------------------ */

static void param(struct cn_pg_params *p, Oid type, const void *v, size_t len)
{
	assert(p->n < CN_PG_MAXP);
	p->types[p->n] = type;
	p->values[p->n] = v;
	p->lengths[p->n] = (int)len;
	p->formats[p->n] = 1;
	p->n++;
}

unsigned char *cn_pg_put_be(unsigned char *p, uint64_t v, int n)
{
	for (int k = n - 1; k >= 0; k--, v >>= 8)
		p[k] = (unsigned char)(v & 0xff);
	return p + n;
}

void cn_pg_int(struct cn_pg_params *p, int64_t v)
{
	assert(p->n < CN_PG_MAXP);
	cn_pg_put_be(p->ints[p->n], (uint64_t)v, 8);
	param(p, CN_PG_INT8, p->ints[p->n], 8);
}

void cn_pg_text(struct cn_pg_params *p, const char *s, size_t len)
{
	param(p, CN_PG_TEXT, s, s ? len : 0);
}

void cn_pg_str(struct cn_pg_params *p, const char *s)
{
	cn_pg_text(p, s, s ? strlen(s) : 0);
}

void cn_pg_bytes(struct cn_pg_params *p, const void *b, size_t len)
{
	param(p, CN_PG_BYTEA, b, len);
}

void cn_pg_null(struct cn_pg_params *p, Oid type)
{
	param(p, type, NULL, 0);
}

/* ---- running statements ------------------------------------------------------ */

/* PostgreSQL's message: its first line only.  The lines after it quote
 * the statement ("LINE 1: INSERT INTO events(...)") and DETAIL may quote
 * the row's values; the error reaches API clients (a 503), who are told
 * what failed, never the SQL or the data.  PostgreSQL's own log keeps
 * the statement (log_min_error_statement). */
static int fail(struct cn_store_backend *b, const char *msg,
		struct cn_err *err, const char *what)
{
	const char *nl = strchr(msg, '\n');
	int n = nl ? (int)(nl - msg) : (int)strlen(msg);
	while (n > 0 && msg[n - 1] == ' ')
		n--;
	return cn_err_set(err, CN_EIO, "%s: %s: %.*s", b->label, what, n, msg);
}

int cn_pg_err(struct cn_store_backend *b, struct cn_err *err, const char *what)
{
	return fail(b, PQerrorMessage(b->conn), err, what);
}

/* ---- the pipeline ------------------------------------------------------------- */

static const char commit_what[] = "committing";

/* ---- prepared statements ------------------------------------------------------
 *
 * A write sends the same few statements batch after batch (the lock, the
 * log's size, the event, its nodes, the rows, the checkpoint); prepared
 * once per session, the server parses and plans each once instead of
 * every time.  The prepare goes in the pipeline ahead of the statement's
 * first run, and its result says whether it took: a prepare not run (an
 * earlier statement failed) is sent again, under a new name, since a
 * prepared statement outlives the transaction and a name cannot be
 * prepared twice.  Prepared with their parameters' types, which every
 * caller of a statement gives alike (a column's type). */

/* FNV-1a of the text: a slot found by address is used only for the same
 * text, should a buffer at that address ever hold another statement. */
static uint64_t sql_hash(const char *sql)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *sql; sql++)
		h = (h ^ (unsigned char)*sql) * UINT64_C(1099511628211);
	return h;
}

static int prep_slot(struct cn_store_backend *b, const char *sql)
{
	const uint64_t h = sql_hash(sql);

	for (int i = 0; i < b->nprep; i++)
		if (b->prep[i].sql == sql)
			return b->prep[i].hash == h ? i : -1;
	/* Transaction control stays a simple statement. */
	if (b->nprep == CN_PG_PREPS || !strncmp(sql, "BEGIN", 5) ||
	    !strcmp(sql, "COMMIT"))
		return -1;
	b->prep[b->nprep] = (struct cn_pg_prep){.sql = sql, .hash = h};
	return b->nprep++;
}

static void prep_name(const struct cn_store_backend *b, int k, char *name,
		      size_t n)
{
	snprintf(name, n, "cn_p%d_%u", k, b->prep[k].gen);
}

/* What a prepare's result (or its absence) says of it. */
static void prep_taken(struct cn_store_backend *b, int k, const PGresult *res)
{
	if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
		b->prep[k].state = 2;
	} else {
		b->prep[k].state = 0;
		b->prep[k].gen++;
	}
}

static int pipe_send(struct cn_store_backend *b, const char *sql,
		const struct cn_pg_params *p, const struct cn_pg_pending *pend,
		struct cn_err *err)
{
	static const struct cn_pg_params none = {0};
	char name[32];
	int rc, k;

	assert(b->writing);
	/* Room for a prepare and the statement. */
	if (b->piped >= CN_PG_PIPE - 1 && (rc = cn_pg_sync(b, err)))
		return rc;
	if (PQpipelineStatus(b->conn) == PQ_PIPELINE_OFF &&
	    !PQenterPipelineMode(b->conn))
		return cn_pg_err(b, err, pend->what);
	if (!p)
		p = &none;
	if ((k = prep_slot(b, sql)) < 0) {
		if (!PQsendQueryParams(b->conn, sql, p->n, p->types, p->values,
				       p->lengths, p->formats, 1))
			return cn_pg_err(b, err, pend->what);
		b->pending[b->piped++] = *pend;
		return 0;
	}
	prep_name(b, k, name, sizeof(name));
	if (b->prep[k].state == 0) {
		if (!PQsendPrepare(b->conn, name, sql, p->n, p->types))
			return cn_pg_err(b, err, pend->what);
		b->prep[k].state = 1;
		b->pending[b->piped++] = (struct cn_pg_pending){
			.what = pend->what, .prep = k + 1};
	}
	if (!PQsendQueryPrepared(b->conn, name, p->n, p->values, p->lengths,
				 p->formats, 1))
		return cn_pg_err(b, err, pend->what);
	b->pending[b->piped++] = *pend;
	return 0;
}

int cn_pg_send(struct cn_store_backend *b, const char *sql,
	       const struct cn_pg_params *p, const char *what,
	       struct cn_err *err)
{
	if (!b->writing)
		return cn_pg_cmd(b, sql, p, NULL, what, err);
	return pipe_send(b, sql, p, &(struct cn_pg_pending){.what = what}, err);
}

int cn_pg_send_rows(struct cn_store_backend *b, const char *sql,
		    const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
		    const char *what, struct cn_err *err)
{
	/* A statement that returns rows may read the nodes held. */
	int rc = cn_pg_nodes_flush(b, err);
	return rc ? rc : pipe_send(b, sql, p, &(struct cn_pg_pending){
			    .what = what, .rows = 1, .fn = fn, .ctx = ctx}, err);
}

int cn_pg_send_commit(struct cn_store_backend *b, struct cn_err *err)
{
	int rc = cn_pg_nodes_flush(b, err);
	return rc ? rc : pipe_send(b, "COMMIT", NULL, &(struct cn_pg_pending){
			    .what = commit_what, .commit = 1}, err);
}

/* The result of one statement sent: its status checked, its rows given
 * to its callback.  The first failure is the one reported. */
static int take(struct cn_store_backend *b, const struct cn_pg_pending *pend,
		PGresult *res, int rc, struct cn_err *err)
{
	const ExecStatusType want = pend->rows ? PGRES_TUPLES_OK
					       : PGRES_COMMAND_OK;

	if (pend->prep)
		prep_taken(b, pend->prep - 1, res);
	if (rc)
		return rc;
	if (!res)
		return cn_pg_err(b, err, pend->what);
	if (PQresultStatus(res) != want)
		return PQresultStatus(res) == PGRES_PIPELINE_ABORTED
			? cn_err_set(err, CN_EIO, "%s: %s: not run (an earlier "
				     "statement of the transaction failed)",
				     b->label, pend->what)
			: fail(b, PQresultErrorMessage(res), err, pend->what);
	/* A transaction a statement failed in answers COMMIT with
	 * ROLLBACK, without an error: only "COMMIT" is a commit. */
	if (pend->commit && strcmp(PQcmdStatus(res), "COMMIT"))
		return cn_err_set(err, CN_EIO, "%s: committing: the transaction "
				  "had failed and was rolled back", b->label);
	for (int i = 0; rc == 0 && pend->fn && i < PQntuples(res); i++)
		rc = pend->fn(pend->ctx, &(struct cn_pg_row){res, i}, err);
	return rc;
}

int cn_pg_sync(struct cn_store_backend *b, struct cn_err *err)
{
	PGresult *res;
	int rc = 0, n = b->piped;

	if (PQpipelineStatus(b->conn) == PQ_PIPELINE_OFF)
		return 0;
	b->piped = 0;
	if (!PQpipelineSync(b->conn))
		rc = cn_pg_err(b, err, "sending statements");
	/* Each statement's result, then the NULL that ends it; then the
	 * sync's own.  A lost connection gives NULL at once: stop there. */
	for (int i = 0; i < n; i++) {
		res = PQgetResult(b->conn);
		rc = take(b, &b->pending[i], res, rc, err);
		if (!res) {
			/* The connection failed: the prepares not heard of
			 * are unknown, so prepared again, by new names. */
			for (int j = i + 1; j < n; j++)
				if (b->pending[j].prep)
					prep_taken(b, b->pending[j].prep - 1, NULL);
			break;
		}
		PQclear(res);
		while ((res = PQgetResult(b->conn)))
			PQclear(res);
	}
	while ((res = PQgetResult(b->conn))) {
		int sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		PQclear(res);
		if (sync)
			break;
	}
	if (!PQexitPipelineMode(b->conn) && rc == 0)
		rc = cn_pg_err(b, err, "ending the pipeline");
	return rc;
}

/* Statement k run prepared, outside a pipeline: prepared first, in a
 * round trip of its own, unless it was.  A prepare that fails is the
 * result returned (the caller reports its error) and leaves the slot to
 * be prepared again under a new name (prep_taken). */
static PGresult *exec_prepared(struct cn_store_backend *b, int k,
			       const char *sql, const struct cn_pg_params *p)
{
	char name[32];

	prep_name(b, k, name, sizeof(name));
	if (b->prep[k].state != 2) {
		PGresult *res = PQprepare(b->conn, name, sql, p->n, p->types);
		prep_taken(b, k, res);
		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
			return res;
		PQclear(res);
	}
	return PQexecPrepared(b->conn, name, p->n, p->values, p->lengths,
			      p->formats, 1);
}

/* Every statement run at once waits for those sent before it. */
static PGresult *exec(struct cn_store_backend *b, const char *sql,
		      const struct cn_pg_params *p, struct cn_err *err)
{
	static const struct cn_pg_params none = {0};
	int k;

	if (!p)
		p = &none;
	if (cn_pg_nodes_flush(b, err) || cn_pg_sync(b, err))
		return NULL;
	if (p->prepare && (k = prep_slot(b, sql)) >= 0)
		return exec_prepared(b, k, sql, p);
	return PQexecParams(b->conn, sql, p->n, p->types, p->values, p->lengths,
			    p->formats, 1);
}

/* *out the result of sql when it has status `want`: 0.  Else *out NULL
 * (the result freed), and the failure's code, the one err was set to:
 * not always CN_EIO, since a statement sent before may have failed
 * otherwise (a constraint, out of memory). */
static int run(struct cn_store_backend *b, const char *sql,
	       const struct cn_pg_params *p, ExecStatusType want,
	       const char *what, PGresult **out, struct cn_err *err)
{
	struct cn_err why = {0};
	PGresult *res = exec(b, sql, p, &why);
	int rc;

	*out = NULL;
	if (res && PQresultStatus(res) == want) {
		*out = res;
		return 0;
	}
	if (res)
		rc = fail(b, PQresultErrorMessage(res), err, what);
	else if ((rc = why.code)) {
		if (err)
			*err = why; /* what an earlier statement sent said */
	} else
		rc = cn_pg_err(b, err, what);
	PQclear(res);
	return rc;
}

int cn_pg_cmd(struct cn_store_backend *b, const char *sql,
	      const struct cn_pg_params *p, int64_t *changed, const char *what,
	      struct cn_err *err)
{
	PGresult *res;
	int rc = run(b, sql, p, PGRES_COMMAND_OK, what, &res, err);

	if (rc)
		return rc;
	if (changed)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int cn_pg_script(struct cn_store_backend *b, const char *sql, const char *what,
		 struct cn_err *err)
{
	PGresult *res;
	int rc = cn_pg_nodes_flush(b, err);

	if (rc || (rc = cn_pg_sync(b, err)))
		return rc;
	res = PQexec(b->conn, sql);

	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = res ? fail(b, PQresultErrorMessage(res), err, what)
			 : cn_pg_err(b, err, what);
	PQclear(res);
	return rc;
}

struct one_row {
	cn_pg_row_fn fn;
	void *ctx;
	int n;
};

static int one_row(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct one_row *o = ctx;

	assert(o->n == 0);
	o->n++;
	return o->fn ? o->fn(o->ctx, r, err) : 0;
}

int cn_pg_one(struct cn_store_backend *b, const char *sql,
	      const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
	      const char *what, const char *notfound, struct cn_err *err)
{
	PGresult *res;
	int rc = 0;

	/* Behind statements sent ahead: with them, one round trip (a
	 * writer's checkpoint, read after its batch's rows). */
	if (b->piped) {
		struct one_row o = {fn, ctx, 0};
		if ((rc = cn_pg_send_rows(b, sql, p, one_row, &o, what, err)) == 0 &&
		    (rc = cn_pg_sync(b, err)) == 0 && o.n == 0)
			rc = cn_err_set(err, CN_ENOTFOUND, "%s", notfound);
		return rc;
	}
	if ((rc = run(b, sql, p, PGRES_TUPLES_OK, what, &res, err)))
		return rc;
	assert(PQntuples(res) <= 1);
	if (PQntuples(res) == 0)
		rc = cn_err_set(err, CN_ENOTFOUND, "%s", notfound);
	else if (fn)
		rc = fn(ctx, &(struct cn_pg_row){res, 0}, err);
	PQclear(res);
	return rc;
}

int cn_pg_few(struct cn_store_backend *b, const char *sql,
	      const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
	      const char *what, struct cn_err *err)
{
	PGresult *res;
	int rc = run(b, sql, p, PGRES_TUPLES_OK, what, &res, err);

	if (rc)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = fn(ctx, &(struct cn_pg_row){res, i}, err);
	PQclear(res);
	return rc;
}

/* Rows per FETCH: a page is what a scan holds in memory at once. */
#define PAGE 256

/* Fetch and hand over every page of cursor `name`. */
static int fetch_all(struct cn_store_backend *b, const char *name,
		     cn_pg_row_fn fn, void *ctx, const char *what,
		     struct cn_err *err)
{
	char fetch[64];
	int rc = 0, n;

	snprintf(fetch, sizeof(fetch), "FETCH %d FROM %s", PAGE, name);
	do {
		PGresult *res;
		if ((rc = run(b, fetch, NULL, PGRES_TUPLES_OK, what, &res, err)))
			return rc;
		n = PQntuples(res);
		for (int i = 0; rc == 0 && i < n; i++)
			if (fn)
				rc = fn(ctx, &(struct cn_pg_row){res, i}, err);
		PQclear(res);
	} while (rc == 0 && n == PAGE);
	return rc;
}

int cn_pg_each(struct cn_store_backend *b, const char *sql,
	       const struct cn_pg_params *p, cn_pg_row_fn fn, void *ctx,
	       const char *what, struct cn_err *err)
{
	const int own = PQtransactionStatus(b->conn) == PQTRANS_IDLE;
	char name[32], *declare;
	size_t n = strlen(sql) + 64;
	int rc;

	if (!(declare = malloc(n)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	snprintf(name, sizeof(name), "cn_scan_%d", b->cursors);
	snprintf(declare, n, "DECLARE %s NO SCROLL CURSOR FOR %s", name, sql);
	if (own && cn_pg_cmd(b, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			     NULL, NULL, what, err)) {
		free(declare);
		return CN_EIO;
	}
	rc = cn_pg_cmd(b, declare, p, NULL, what, err);
	free(declare);
	if (rc == 0) {
		b->cursors++;
		rc = fetch_all(b, name, fn, ctx, what, err);
		b->cursors--;
		/* A cursor left open would keep its name taken until the
		 * transaction ends; after an error the transaction is over
		 * for the caller anyway. */
		if (PQtransactionStatus(b->conn) == PQTRANS_INTRANS) {
			char close[48];
			snprintf(close, sizeof(close), "CLOSE %s", name);
			if (cn_pg_cmd(b, close, NULL, NULL, what,
				      rc ? NULL : err) && rc == 0)
				rc = CN_EIO;
		}
	}
	if (own) {
		/* Nothing was written: ending the transaction is all (and no
		 * statement was sent ahead: this one owns the transaction). */
		PGresult *res = PQexec(b->conn, rc ? "ROLLBACK" : "COMMIT");
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = cn_pg_err(b, err, what);
		PQclear(res);
	}
	return rc;
}

/* ---- reading results ------------------------------------------------------------ */

int cn_pg_isnull(const struct cn_pg_row *r, int col)
{
	return PQgetisnull(r->res, r->i, col);
}

int64_t cn_pg_int64(const struct cn_pg_row *r, int col)
{
	const unsigned char *v;
	uint64_t u = 0;

	if (PQgetisnull(r->res, r->i, col) || PQftype(r->res, col) != CN_PG_INT8 ||
	    PQgetlength(r->res, r->i, col) != 8)
		return 0;
	v = (const unsigned char *)PQgetvalue(r->res, r->i, col);
	for (int k = 0; k < 8; k++)
		u = u << 8 | v[k];
	return (int64_t)u;
}

const char *cn_pg_value(const struct cn_pg_row *r, int col, size_t *len)
{
	*len = (size_t)PQgetlength(r->res, r->i, col);
	/* libpq ends every value with a NUL, binary ones too. */
	return PQgetvalue(r->res, r->i, col);
}

Oid cn_pg_type(const struct cn_pg_row *r, int col)
{
	return PQftype(r->res, col);
}

int cn_pg_get_int64(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	(void)err;
	*(int64_t *)ctx = cn_pg_int64(r, 0);
	return 0;
}

int cn_pg_get_text(void *ctx, const struct cn_pg_row *r, struct cn_err *err)
{
	struct cn_pg_textout *out = ctx;
	size_t n;
	const char *v = cn_pg_value(r, 0, &n);
	char *copy = malloc(n + 1);

	if (!copy)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	memcpy(copy, v, n);
	copy[n] = '\0';
	*out->text = copy;
	if (out->len)
		*out->len = n;
	return 0;
}

void cn_pg_copy(const struct cn_pg_row *r, int col, char *buf, size_t n)
{
	size_t len;
	const char *v = cn_pg_value(r, col, &len);
	snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), v);
}
