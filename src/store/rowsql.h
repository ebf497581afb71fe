/*
 * rowsql.h - internal to src/store/: the SQL of the projection tables
 * (create, upsert, delete, the two scans), built from cn_tables
 * (store/tables.c) for the backends that speak SQL, each in its dialect
 * (sqlite_rows.c, pg_rows.c).
 *
 * Ownership: the SQL is built once into a slot the backend owns and
 * frees (cn_rowsql_release); what cn_rowsql returns is borrowed from it.
 */
#ifndef CN_STORE_ROWSQL_H
#define CN_STORE_ROWSQL_H

#include "store.h"

enum cn_rowsql_stmt {
	CN_ROWSQL_PUT,     /* insert or, on the key, update the rest */
	/* Update the last column alone, of the row whose every other column
	 * holds the value given (IS, so NULL included): no row is changed
	 * when any differs.  Its parameters are the row's columns in order,
	 * as PUT's.  SQLite's only (its IS, its ?NNN): PostgreSQL decides
	 * for itself whether an update writes its indexes. */
	CN_ROWSQL_PUT_LAST,
	CN_ROWSQL_DELETE,  /* by key */
	CN_ROWSQL_BY_KEY,  /* every row, in key order */
	CN_ROWSQL_WRITTEN, /* every row, in the order keys were first written */
	CN_ROWSQL_CREATE,  /* the table */
	CN_ROWSQL_COUNT
};

struct cn_sql_dialect {
	int numbered;          /* parameters $1, $2 ... (else ?) */
	const char *int_type;  /* the column types */
	const char *text_type;
	/* The column that keeps the order keys were first written (an
	 * upsert leaves it alone), and its definition in CREATE TABLE ("":
	 * the database keeps it, as SQLite's rowid). */
	const char *order_col;
	const char *order_def;
};

/* The SQL of statement `which` on table t, built into *slot on first use
 * (NULL with err set when out of memory). */
const char *cn_rowsql(char **slot, const struct cn_sql_dialect *d,
		      enum cn_table t, enum cn_rowsql_stmt which,
		      struct cn_err *err);

/* Free every slot of a backend's table of them. */
void cn_rowsql_release(char *slots[CN_TAB_COUNT][CN_ROWSQL_COUNT]);

#endif
