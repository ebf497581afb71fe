/*
 * tables.c - the projection tables of the store contract (store.h): their
 * columns, types and keys, the one description every backend creates its
 * tables from and the app fills rows by.
 */
#include "store.h"

#define T CN_VAL_TEXT
#define I CN_VAL_INT

static const struct cn_column alliance[] = {
	{"id", T, 1}, {"record", T, 1},
};
static const struct cn_column members[] = {
	{"code", T, 1}, {"name", T, 1}, {"accession", T, 1}, {"exit", T, 0},
	{"record", T, 1},
};
static const struct cn_column partners[] = {
	{"code", T, 1}, {"name", T, 1}, {"framework", T, 1}, {"since", T, 0},
	{"until", T, 0}, {"record", T, 1},
};
static const struct cn_column bodies[] = {
	{"id", T, 1}, {"name", T, 1}, {"rule", T, 1}, {"procedure", T, 1},
	{"established", T, 0}, {"dissolved", T, 0}, {"record", T, 1},
};
/* decision: the proposal that opened the office, 0 when none. */
static const struct cn_column offices[] = {
	{"id", T, 1}, {"name", T, 1}, {"country", T, 1}, {"lat", T, 0},
	{"lon", T, 0}, {"opened", T, 0}, {"closed", T, 0}, {"decision", I, 0},
	{"record", T, 1},
};
/* doc: the proposal's whole JSON view (canonical); the other columns are
 * taken from it for queries. */
static const struct cn_column proposals[] = {
	{"id", I, 1}, {"body", T, 1}, {"title", T, 1}, {"procedure", T, 1},
	{"status", T, 1}, {"outcome", T, 0}, {"explanation", T, 0},
	{"opened", T, 1}, {"deadline", T, 0}, {"concluded", T, 0},
	{"revision", I, 1}, {"shared", I, 1}, {"doc", T, 1},
};
/* A member's standing position on a proposal; none stated: no row. */
static const struct cn_column positions[] = {
	{"proposal", I, 1}, {"member", T, 1}, {"position", T, 1},
	{"text", T, 0}, {"at", T, 0},
};

#define N(a) (unsigned)(sizeof(a) / sizeof(a[0]))

const struct cn_table_def cn_tables[CN_TAB_COUNT] = {
	[CN_TAB_ALLIANCE] = {"alliance", alliance, N(alliance), 1},
	[CN_TAB_MEMBERS] = {"members", members, N(members), 1},
	[CN_TAB_PARTNERS] = {"partners", partners, N(partners), 1},
	[CN_TAB_BODIES] = {"bodies", bodies, N(bodies), 1},
	[CN_TAB_OFFICES] = {"offices", offices, N(offices), 1},
	[CN_TAB_PROPOSALS] = {"proposals", proposals, N(proposals), 1, 1},
	[CN_TAB_POSITIONS] = {"positions", positions, N(positions), 2},
};
