/*
 * sqlite_hooks.c - the SQLite backend's webhooks and notification outbox
 * (store.h): tables webhooks, notices (the outbox) and deliveries, made on the first
 * writable open of a store that has none (a store from before them gains
 * the tables, not a new schema version, as snapshots did).
 */
#include "sqlite.h"

#include <stdio.h>
#include <string.h>

/* Reminder offsets (core/remind.h), in a store whose webhooks were made
 * before them: none, as a webhook made without `remind`. */
static int add_remind(struct cn_store_backend *b, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT count(*) FROM pragma_table_info("
				      "'webhooks') WHERE name = 'remind'", err);
	int64_t has = 0;

	if (!s || cn_sq_one(b, s, cn_sq_int64, &has, "reading the schema",
			    "no schema", err))
		return CN_EIO;
	return has ? 0 : cn_sq_exec(b, "ALTER TABLE webhooks ADD COLUMN remind"
				    " TEXT NOT NULL DEFAULT ''", err);
}

int cn_sq_create_hooks(struct cn_store_backend *b, struct cn_err *err)
{
	int rc = cn_sq_exec(b,
		"CREATE TABLE IF NOT EXISTS webhooks("
		"  id INTEGER PRIMARY KEY,"
		"  owner INTEGER NOT NULL REFERENCES tokens(id),"
		"  url TEXT NOT NULL, secret TEXT NOT NULL,"
		"  types TEXT NOT NULL DEFAULT '',"
		"  remind TEXT NOT NULL DEFAULT '',"
		"  created TEXT NOT NULL, revoked TEXT,"
		"  cursor INTEGER NOT NULL);"
		"CREATE TABLE IF NOT EXISTS notices("
		"  id INTEGER PRIMARY KEY,"
		"  channel TEXT NOT NULL, kind TEXT NOT NULL,"
		"  target INTEGER NOT NULL, ref TEXT NOT NULL,"
		"  body BLOB NOT NULL, created INTEGER NOT NULL,"
		"  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN"
		"    ('pending', 'delivered', 'failed', 'cancelled')),"
		"  attempts INTEGER NOT NULL DEFAULT 0,"
		"  next_at INTEGER NOT NULL,"
		"  claimed_until INTEGER NOT NULL DEFAULT 0,"
		"  UNIQUE(channel, target, ref));"
		"CREATE INDEX IF NOT EXISTS notices_due"
		"  ON notices(channel, state, next_at);"
		"CREATE TABLE IF NOT EXISTS deliveries("
		"  item INTEGER NOT NULL REFERENCES notices(id),"
		"  attempt INTEGER NOT NULL, time INTEGER NOT NULL,"
		"  status INTEGER, error TEXT, next_at INTEGER,"
		"  PRIMARY KEY(item, attempt)) WITHOUT ROWID;"
		/* A token's webhooks (cn_store_webhook_page), in id order. */
		"CREATE INDEX IF NOT EXISTS webhooks_owner ON webhooks(owner, id)",
		err);

	return rc ? rc : add_remind(b, err);
}

int cn_sq_webhook_add(struct cn_store_backend *b, const struct cn_webhook *w,
		      int64_t *id, struct cn_err *err)
{
	/* Only a valid bearer token owns one: not a feed key, not revoked. */
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO webhooks(owner, url, secret,"
				     " types, created, cursor, remind) SELECT id,"
				     " ?, ?, ?, ?, ?, ?7 FROM tokens t WHERE"
				     " id = ?6 AND revoked IS NULL AND feed_of"
				     " IS NULL AND" CN_SQL_HOLDER_LIVE("t"),
				     err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, w->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, w->secret, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, w->types, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, w->created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, w->cursor);
	sqlite3_bind_int64(s, 6, w->owner);
	sqlite3_bind_text(s, 7, w->remind, -1, SQLITE_STATIC);
	if ((rc = cn_sq_done(b, s, "storing a webhook", err)))
		return rc;
	if (sqlite3_changes(b->db) == 0)
		return cn_err_set(err, CN_ENOTFOUND, "no valid token with id %lld",
				  (long long)w->owner);
	*id = sqlite3_last_insert_rowid(b->db);
	return 0;
}

struct hook_scan {
	cn_webhook_fn fn;
	void *ctx;
};

/* A webhook with its owner's role and code, hook_row's columns; its
 * reminders from `remind` (a column, or '' in a store from before it
 * opened read-only). */
#define HOOK_SELECT_WITH(remind)                                              \
	"SELECT w.id, w.owner, t.role, t.principal, w.url, w.secret, w.types,"\
	" w.created, w.revoked, w.cursor, " remind                            \
	" FROM webhooks w JOIN tokens t ON t.id = w.owner"
#define HOOK_SELECT HOOK_SELECT_WITH("w.remind")

static int hook_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct hook_scan *hs = ctx;
	struct cn_webhook w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.id = sqlite3_column_int64(s, 0);
	w.owner = sqlite3_column_int64(s, 1);
	w.cursor = sqlite3_column_int64(s, 9);
	if ((rc = cn_sq_col_copy(s, 2, "tokens.role", CN_SQ_NOT_NULL, w.role,
				 sizeof(w.role), err)) ||
	    (rc = cn_sq_col_copy(s, 3, "tokens.principal", CN_SQ_NULLABLE,
				 w.principal, sizeof(w.principal), err)) ||
	    (rc = cn_sq_col_copy(s, 4, "webhooks.url", CN_SQ_NOT_NULL, w.url,
				 sizeof(w.url), err)) ||
	    (rc = cn_sq_col_copy(s, 5, "webhooks.secret", CN_SQ_NOT_NULL,
				 w.secret, sizeof(w.secret), err)) ||
	    (rc = cn_sq_col_copy(s, 6, "webhooks.types", CN_SQ_NOT_NULL,
				 w.types, sizeof(w.types), err)) ||
	    (rc = cn_sq_col_copy(s, 7, "webhooks.created", CN_SQ_NOT_NULL,
				 w.created, sizeof(w.created), err)) ||
	    (rc = cn_sq_col_copy(s, 8, "webhooks.revoked", CN_SQ_NULLABLE,
				 w.revoked, sizeof(w.revoked), err)) ||
	    (rc = cn_sq_col_copy(s, 10, "webhooks.remind", CN_SQ_NOT_NULL,
				 w.remind, sizeof(w.remind), err)))
		return rc;
	return hs->fn(hs->ctx, &w, err);
}

/* Live webhooks: not revoked, their token neither, its holder live. */
#define HOOK_LIVE                                                             \
	HOOK_SELECT " WHERE w.revoked IS NULL AND t.revoked IS NULL AND"      \
		CN_SQL_HOLDER_LIVE("t")

const char *cn_sq_webhooks_sql(int64_t owner, int64_t id)
{
	/* One statement each, not one with (?2 = 0 OR w.id = ?2): SQLite
	 * plans a statement before its parameters are bound, and that form
	 * walks every webhook by id to find one, or a token's few. */
	if (id)
		return HOOK_LIVE " AND w.id = ?2 AND (?1 = 0 OR w.owner = ?1)"
				 " AND w.id > ?3 ORDER BY w.id LIMIT ?4";
	if (owner)
		return HOOK_LIVE " AND w.owner = ?1 AND w.id > ?3"
				 " ORDER BY w.id LIMIT ?4";
	return HOOK_LIVE " AND w.id > ?3 ORDER BY w.id LIMIT ?4";
}

int cn_sq_webhooks(struct cn_store_backend *b, int64_t owner, int64_t id,
		   int64_t after, int64_t limit, cn_webhook_fn fn, void *ctx,
		   struct cn_err *err)
{
	struct hook_scan hs = {fn, ctx};
	/* Numbered parameters: each form's highest is ?4, so all four
	 * bind, whether the form uses them or not. */
	sqlite3_stmt *s = cn_sq_fresh(b, cn_sq_webhooks_sql(owner, id), err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, owner);
	sqlite3_bind_int64(s, 2, id);
	sqlite3_bind_int64(s, 3, after);
	sqlite3_bind_int64(s, 4, limit);
	return cn_sq_each(b, s, hook_row, &hs, "reading webhooks", err);
}

int cn_sq_webhook_revoke(struct cn_store_backend *b, int64_t id,
			 const char *revoked, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "UPDATE webhooks SET revoked = ?"
				     " WHERE id = ? AND revoked IS NULL", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, revoked, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	if ((rc = cn_sq_done(b, s, "revoking a webhook", err)))
		return rc;
	if (sqlite3_changes(b->db) == 0)
		return cn_err_set(err, CN_ENOTFOUND, "no live webhook with id %lld",
				  (long long)id);
	return 0;
}

int cn_sq_webhook_advance(struct cn_store_backend *b, int64_t id,
			  int64_t cursor, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "UPDATE webhooks SET cursor = ?"
				     " WHERE id = ? AND cursor < ?", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, cursor);
	sqlite3_bind_int64(s, 2, id);
	sqlite3_bind_int64(s, 3, cursor);
	return cn_sq_done(b, s, "moving a webhook's cursor", err);
}

int cn_sq_notice_add(struct cn_store_backend *b,
		     const struct cn_notice *it, int *added,
		     struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO notices(channel, kind,"
				     " target, ref, body, created, next_at)"
				     " VALUES(?,?,?,?,?,?,?) ON CONFLICT"
				     " (channel, target, ref) DO NOTHING", err);
	int rc;

	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, it->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, it->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, it->target);
	sqlite3_bind_text(s, 4, it->ref, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 5, it->body, it->len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, it->created);
	sqlite3_bind_int64(s, 7, it->next_at);
	if ((rc = cn_sq_done(b, s, "queueing a notification", err)))
		return rc;
	*added = sqlite3_changes(b->db) > 0;
	return 0;
}

static int null_or_int(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	if (sqlite3_column_type(s, 0) == SQLITE_NULL)
		return cn_err_set(err, CN_ENOTFOUND, "nothing pending");
	*(int64_t *)ctx = sqlite3_column_int64(s, 0);
	return 0;
}

int cn_sq_notice_next(struct cn_store_backend *b, const char *channel,
		      int64_t *at, struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT min(max(next_at, claimed_until))"
				     " FROM notices WHERE channel = ? AND"
				     " state = 'pending'", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
	return cn_sq_one(b, s, null_or_int, at, "reading the outbox",
			 "nothing pending", err);
}

struct item_scan {
	cn_notice_fn fn;
	void *ctx;
	const char *channel;
};

static int item_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct item_scan *is = ctx;
	/* A copy's scan (no channel) reads the state and channel too. */
	struct cn_notice it = {
		.id = sqlite3_column_int64(s, 0),
		.channel = is->channel,
		.target = sqlite3_column_int64(s, 2),
		.created = sqlite3_column_int64(s, 5),
		.next_at = sqlite3_column_int64(s, 6),
		.attempts = sqlite3_column_int64(s, 7),
		.state = "pending",
	};
	const void *body;
	int rc;

	if ((!is->channel &&
	     ((rc = cn_sq_col_text(s, 9, "notices.channel", CN_SQ_NOT_NULL,
				   &it.channel, NULL, err)) ||
	      (rc = cn_sq_col_text(s, 8, "notices.state", CN_SQ_NOT_NULL,
				   &it.state, NULL, err)))) ||
	    (rc = cn_sq_col_text(s, 1, "notices.kind", CN_SQ_NOT_NULL, &it.kind,
				 NULL, err)) ||
	    (rc = cn_sq_col_text(s, 3, "notices.ref", CN_SQ_NOT_NULL, &it.ref,
				 NULL, err)) ||
	    (rc = cn_sq_col_blob(s, 4, "notices.body", CN_SQ_NOT_NULL, &body,
				 &it.len, err)))
		return rc;
	it.body = body;
	return is->fn(is->ctx, &it, err);
}

int cn_sq_notice_claim(struct cn_store_backend *b, const char *channel,
		       int64_t now, int64_t until, int limit, cn_notice_fn fn,
		       void *ctx, struct cn_err *err)
{
	struct item_scan is = {fn, ctx, channel};
	/* SQLite makes every change at the first step, before any row is
	 * returned: a callback that stops early leaves the claim whole. */
	sqlite3_stmt *s = cn_sq_fresh(b, "UPDATE notices SET claimed_until = ?1"
				      " WHERE id IN (SELECT id FROM notices"
				      " WHERE channel = ?2 AND state = 'pending'"
				      " AND next_at <= ?3 AND claimed_until <= ?3"
				      " ORDER BY next_at, id LIMIT ?4)"
				      " RETURNING id, kind, target, ref, body,"
				      " created, next_at, attempts", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, until);
	sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int(s, 4, limit);
	return cn_sq_each(b, s, item_row, &is, "claiming notifications", err);
}

/* A row of the delivery log (the notice's state untouched). */
int cn_sq_attempt_put(struct cn_store_backend *b, const struct cn_attempt *a,
		      struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO deliveries(item, attempt,"
				     " time, status, error, next_at)"
				     " VALUES(?,?,?,nullif(?, 0),?,nullif(?, 0))",
				     err);

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, a->item);
	sqlite3_bind_int64(s, 2, a->attempt);
	sqlite3_bind_int64(s, 3, a->time);
	sqlite3_bind_int(s, 4, a->status);
	if (a->error)
		sqlite3_bind_text(s, 5, a->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, a->next_at);
	return cn_sq_done(b, s, "recording a delivery", err);
}

int cn_sq_notice_attempt(struct cn_store_backend *b, const struct cn_attempt *a,
			 struct cn_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = cn_sq_attempt_put(b, a, err)))
		return rc;
	if (!(s = cn_sq_stmt(b, "UPDATE notices SET state = ?, attempts = ?,"
			     " next_at = CASE WHEN ? > 0 THEN ? ELSE next_at END,"
			     " claimed_until = 0 WHERE id = ?", err)))
		return CN_EIO;
	sqlite3_bind_text(s, 1, a->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, a->attempt);
	sqlite3_bind_int64(s, 3, a->next_at);
	sqlite3_bind_int64(s, 4, a->next_at);
	sqlite3_bind_int64(s, 5, a->item);
	if ((rc = cn_sq_done(b, s, "recording a delivery", err)))
		return rc;
	if (sqlite3_changes(b->db) == 0)
		return cn_err_set(err, CN_ENOTFOUND, "no notification %lld",
				  (long long)a->item);
	return 0;
}

struct attempt_scan {
	cn_attempt_fn fn;
	void *ctx;
};

static int attempt_row(void *ctx, sqlite3_stmt *s, struct cn_err *err)
{
	struct attempt_scan *as = ctx;
	struct cn_attempt a = {
		.item = sqlite3_column_int64(s, 0),
		.attempt = sqlite3_column_int64(s, 1),
		.time = sqlite3_column_int64(s, 2),
		.status = sqlite3_column_int(s, 3),
		.next_at = sqlite3_column_int64(s, 5),
	};
	int rc;

	if ((rc = cn_sq_col_text(s, 4, "deliveries.error", CN_SQ_NULLABLE,
				 &a.error, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 6, "notices.state", CN_SQ_NOT_NULL,
				 &a.state, NULL, err)) ||
	    (rc = cn_sq_col_text(s, 7, "notices.ref", CN_SQ_NOT_NULL, &a.ref,
				 NULL, err)) ||
	    (rc = cn_sq_col_text(s, 8, "notices.kind", CN_SQ_NOT_NULL, &a.kind,
				 NULL, err)))
		return rc;
	return as->fn(as->ctx, &a, err);
}

int cn_sq_notice_log(struct cn_store_backend *b, const char *channel,
		     int64_t target, int64_t limit, cn_attempt_fn fn, void *ctx,
		     struct cn_err *err)
{
	struct attempt_scan as = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT d.item, d.attempt, d.time,"
				      " d.status, d.error, d.next_at, o.state,"
				      " o.ref, o.kind FROM deliveries d JOIN"
				      " notices o ON o.id = d.item WHERE"
				      " o.channel = ? AND o.target = ?"
				      " ORDER BY d.time DESC, d.item DESC,"
				      " d.attempt DESC LIMIT ?", err);
	if (!s)
		return CN_EIO;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, target);
	sqlite3_bind_int64(s, 3, limit);
	return cn_sq_each(b, s, attempt_row, &as, "reading deliveries", err);
}

/* ---- copying (council migrate) --------------------------------------------- */

int cn_sq_webhook_rows(struct cn_store_backend *b, cn_webhook_fn fn, void *ctx,
		       struct cn_err *err)
{
	struct hook_scan hs = {fn, ctx};
	sqlite3_stmt *s = cn_sq_stmt(b, "SELECT count(*) FROM sqlite_master"
				     " WHERE type = 'table' AND name = 'webhooks'",
				     err);
	int64_t n = 0;
	int rc;

	if (!s)
		return CN_EIO;
	if ((rc = cn_sq_one(b, s, cn_sq_int64, &n, "reading the schema",
			    "no schema", err)))
		return rc;
	if (n == 0)
		return cn_err_set(err, CN_ENOTFOUND, "%s: no webhook tables",
				  b->path);
	/* A source made before reminders, opened read-only, has no column
	 * for them (a writable open adds it): none. */
	if (!(s = cn_sq_fresh(b, "SELECT count(*) FROM pragma_table_info("
			      "'webhooks') WHERE name = 'remind'", err)) ||
	    (rc = cn_sq_one(b, s, cn_sq_int64, &n, "reading the schema",
			    "no schema", err)))
		return s ? rc : CN_EIO;
	if (!(s = cn_sq_fresh(b, n ? HOOK_SELECT " ORDER BY w.id"
				   : HOOK_SELECT_WITH("''") " ORDER BY w.id",
			      err)))
		return CN_EIO;
	return cn_sq_each(b, s, hook_row, &hs, "reading webhooks", err);
}

int cn_sq_notice_rows(struct cn_store_backend *b, cn_notice_fn fn, void *ctx,
		      struct cn_err *err)
{
	struct item_scan is = {fn, ctx, NULL};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT id, kind, target, ref, body,"
				      " created, next_at, attempts, state,"
				      " channel FROM notices ORDER BY id", err);

	return s ? cn_sq_each(b, s, item_row, &is, "reading the outbox", err)
		 : CN_EIO;
}

int cn_sq_attempt_rows(struct cn_store_backend *b, cn_attempt_fn fn, void *ctx,
		       struct cn_err *err)
{
	struct attempt_scan as = {fn, ctx};
	sqlite3_stmt *s = cn_sq_fresh(b, "SELECT d.item, d.attempt, d.time,"
				      " d.status, d.error, d.next_at, o.state,"
				      " o.ref, o.kind FROM deliveries d JOIN"
				      " notices o ON o.id = d.item"
				      " ORDER BY d.item, d.attempt", err);

	return s ? cn_sq_each(b, s, attempt_row, &as, "reading deliveries", err)
		 : CN_EIO;
}

int cn_sq_webhook_put(struct cn_store_backend *b, const struct cn_webhook *w,
		      struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO webhooks(id, owner, url,"
				     " secret, types, created, revoked, cursor,"
				     " remind) VALUES(?,?,?,?,?,?,nullif(?, ''),"
				     "?,?)", err);

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, w->id);
	sqlite3_bind_int64(s, 2, w->owner);
	sqlite3_bind_text(s, 3, w->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, w->secret, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, w->types, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, w->created, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, w->revoked, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, w->cursor);
	sqlite3_bind_text(s, 9, w->remind, -1, SQLITE_STATIC);
	return cn_sq_done(b, s, "copying a webhook", err);
}

int cn_sq_notice_put(struct cn_store_backend *b, const struct cn_notice *it,
		     struct cn_err *err)
{
	sqlite3_stmt *s = cn_sq_stmt(b, "INSERT INTO notices(id, channel, kind,"
				     " target, ref, body, created, state,"
				     " attempts, next_at)"
				     " VALUES(?,?,?,?,?,?,?,?,?,?)", err);

	if (!s)
		return CN_EIO;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_text(s, 2, it->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, it->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, it->target);
	sqlite3_bind_text(s, 5, it->ref, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 6, it->body, it->len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, it->created);
	sqlite3_bind_text(s, 8, it->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, it->attempts);
	sqlite3_bind_int64(s, 10, it->next_at);
	return cn_sq_done(b, s, "copying a notification", err);
}
