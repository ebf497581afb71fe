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

/* Whether the proposals are in time order (SQLite: the meta row triggers
 * keep, sqlite_query.c): each opened no earlier than those before it in
 * id order, and concluded, if it has, no earlier than it opened.  Then
 * the proposals opened in a range of times are a range of ids, and those
 * concluded before a time were opened before it. */
#define CN_PAGESQL_ORDER_KEY "proposals_in_time_order"
/* True while they are (a missing row, as in a store opened read-only
 * before its first writable open, reads as not). */
#define CN_PAGESQL_IN_TIME_ORDER                                              \
	"(SELECT value FROM meta WHERE key = '" CN_PAGESQL_ORDER_KEY "') = '1'"

/* What sight selects a proposal by besides its body, as conditions on
 * its row (p: "" for the bare columns, or a qualifier with its dot, as
 * "new." or "p."): adopted, everyone sees it; shared, partners do.  And
 * each as 1 or 0 (0 for a row that a LEFT JOIN did not find). */
#define CN_PAGESQL_IS_ADOPTED(p)                                              \
	p "status = 'concluded' AND " p "outcome = 'adopted'"
#define CN_PAGESQL_IS_SHARED(p) p "shared = 1"
#define CN_PAGESQL_ADOPTED(p)                                                 \
	"CASE WHEN " CN_PAGESQL_IS_ADOPTED(p) " THEN 1 ELSE 0 END"
#define CN_PAGESQL_SHARED(p)                                                  \
	"CASE WHEN " CN_PAGESQL_IS_SHARED(p) " THEN 1 ELSE 0 END"

/* SQLite's search index (sqlite_query.c), an FTS5 table proposal_words
 * keyed by proposal id, holds each proposal's title, current text, and
 * sight: the words of who may see it, as this expression of its row p
 * spells them: 'adopted' (everyone), 'shared' (partners), and its body's
 * word ('b' and the hex of its code in capitals: the members of that
 * body).  A restricted search asks for its words AND one of its sight
 * words, so that the index intersects the two and a word only hidden
 * proposals hold costs what a word nothing holds costs; the sight test
 * on the proposals row stays, the authority.  PostgreSQL intersects its
 * words' index with the proposals' sight indexes itself. */
#define CN_PAGESQL_SIGHT_WORDS(p)                                             \
	"CASE WHEN " CN_PAGESQL_IS_ADOPTED(p) " THEN 'adopted ' ELSE '' END"   \
	" || CASE WHEN " CN_PAGESQL_IS_SHARED(p) " THEN 'shared ' ELSE '' END" \
	" || 'b' || hex(upper(" p "body))"

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
/* indexed: the store has the public record index (below); without it
 * (a store opened read-only before it had one), each record type's
 * events are walked in seq order and their proposals tested. */
int cn_pagesql_log(struct cn_pagesql *q, enum cn_pagesql_dialect d,
		   const struct cn_log_query *lq, int indexed,
		   struct cn_err *err) CN_NODISCARD;

/* ---- the public record index ----------------------------------------------
 *
 * What a restricted sight sees of a proposal it does not see in full is
 * its public record: the events of the record types (event_type.h,
 * CN_EVT_PUBLIC_RECORD), once the proposal is adopted (everyone) or
 * shared (partners).  Walking those types' events and testing each
 * proposal costs every hidden proposal's record, so a store keeps an
 * index of them, public_record(seq, proposal, adopted, shared): a row for
 * each record event about a proposal, with its proposal's two sight
 * fields, indexed by (adopted, seq) and (shared, seq) so that a page
 * reads only visible entries.  Triggers keep it in step in the same
 * transaction as the append and the projection write (an event appended;
 * a proposal's status, outcome or shared changed); each backend writes
 * its own (sqlite_query.c, pg_query.c) around these shared texts, and
 * `council verify` compares it with what the log and proposals derive.
 *
 * Each builds into q whole (no parameters; nothing to release):
 *   record_types: " IN ('proposal.created', ...)", for a trigger's text;
 *   record_fill:  the INSERT that fills an empty index;
 *   record_check: one row, one column: the first seq where the index and
 *                 its derivation differ, 0 when they agree. */
/* The triggers' bodies, the same on both backends (n: "new." or
 * "NEW.", the row the trigger fires on):
 *   RECORD_ENTRY: a record event's entry, with its proposal's sight
 *                 fields as they stand (0 while the proposal has no row:
 *                 the row's trigger sets them when it comes);
 *   RECORD_SIGHT: a proposal's sight fields onto its entries. */
#define CN_PAGESQL_RECORD_ENTRY(n)                                            \
	"INSERT INTO public_record(seq, proposal, adopted, shared) VALUES("    \
	n "seq, " n "proposal, coalesce((SELECT " CN_PAGESQL_ADOPTED("p.")     \
	" FROM proposals p WHERE p.id = " n "proposal), 0), coalesce((SELECT " \
	CN_PAGESQL_SHARED("p.") " FROM proposals p WHERE p.id = " n            \
	"proposal), 0));"
#define CN_PAGESQL_RECORD_SIGHT(n)                                            \
	"UPDATE public_record SET adopted = " CN_PAGESQL_ADOPTED(n) ","         \
	" shared = " CN_PAGESQL_SHARED(n) " WHERE proposal = " n "id;"
void cn_pagesql_record_types(struct cn_pagesql *q, enum cn_pagesql_dialect d);
void cn_pagesql_record_fill(struct cn_pagesql *q, enum cn_pagesql_dialect d);
void cn_pagesql_record_check(struct cn_pagesql *q, enum cn_pagesql_dialect d);
void cn_pagesql_release(struct cn_pagesql *q);

#endif
