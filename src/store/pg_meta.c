/*
 * pg_meta.c - the PostgreSQL backend's meta values: a key/value table for
 * the few facts kept beside the log (the log's public key, the change
 * counters "registry_seq" and "tokens_seq").
 */
#include "pg.h"

#include <stdio.h>

int cn_pg_meta_get(struct cn_store_backend *b, const char *key, char **value,
		   struct cn_err *err)
{
	struct cn_pg_params p = {0};
	struct cn_pg_textout out = {value, NULL};
	char notfound[96];

	cn_pg_str(&p, key);
	snprintf(notfound, sizeof(notfound), "no meta '%.80s'", key);
	return cn_pg_one(b, "SELECT value FROM meta WHERE key = $1", &p,
			 cn_pg_get_text, &out, "reading meta", notfound, err);
}

int cn_pg_meta_set(struct cn_store_backend *b, const char *key,
		   const char *value, struct cn_err *err)
{
	struct cn_pg_params p = {0};

	cn_pg_str(&p, key);
	cn_pg_str(&p, value);
	return cn_pg_send(b, "INSERT INTO meta(key, value) VALUES($1, $2)"
			  " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			  &p, "writing meta", err);
}
