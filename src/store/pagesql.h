/*
 * pagesql.h - internal to the store's backends: the SQL of the paged
 * queries (store.h, "paged queries"), written once for both backends.
 *
 * A page of proposals and the seqs a restricted sight sees of the log
 * are the same question on SQLite and on PostgreSQL; only the spelling
 * differs: how a parameter is named (? or $n), how a text is compared
 * without case, how a member of the electorate is found in the stored
 * view, and how words are searched (SQLite's FTS5 table against
 * PostgreSQL's text search over an indexed expression).  So one builder
 * writes each query for a dialect and collects its parameters in order;
 * each backend prepares the text, binds the parameters and steps the
 * rows as it does any other query.
 *
 * Ownership: the builder owns its text and the search phrase it makes
 * (cn_pagesql_release); text parameters otherwise point into the query
 * given, which must outlive the statement.
 */
#ifndef CN_STORE_PAGESQL_H
#define CN_STORE_PAGESQL_H

#include <stdint.h>

#include "store.h"

enum cn_pagesql_dialect { CN_PAGESQL_SQLITE, CN_PAGESQL_PG };

/* The expression a proposal's words are indexed and searched by on
 * PostgreSQL: its title and current text, through the store's text
 * search configuration (pg_query.c).  An index on exactly this
 * expression is what the search uses. */
#define CN_PAGESQL_PG_WORDS                                                   \
	"to_tsvector('council_search', title || ' ' ||"                       \
	" coalesce((doc::jsonb)->>'text', ''))"

#define CN_PAGESQL_MAXP 128

struct cn_pagesql {
	enum cn_pagesql_dialect dialect;
	char sql[4096];
	size_t n;
	int overflow;
	struct {
		const char *s; /* NULL: the integer i */
		int64_t i;
	} p[CN_PAGESQL_MAXP];
	int np;
	char *phrase; /* SQLite: the FTS5 query made of the words */
};

/* Build the query of a page of proposals (columns: id, doc, body, shared,
 * adopted, title, procedure, status, outcome, as struct cn_proposal_row
 * holds them), or of the seqs of a log
 * page (column: seq).  CN_EINVAL when the query would be too long ("the
 * query has too many terms"), CN_ENOMEM.  The builder is released by the
 * caller in every case. */
int cn_pagesql_proposals(struct cn_pagesql *q, enum cn_pagesql_dialect d,
			 const struct cn_proposal_query *pq,
			 struct cn_err *err) CN_NODISCARD;
int cn_pagesql_log(struct cn_pagesql *q, enum cn_pagesql_dialect d,
		   const struct cn_log_query *lq, struct cn_err *err)
	CN_NODISCARD;
void cn_pagesql_release(struct cn_pagesql *q);

#endif
