/* pg_lib.c - libpq, loaded by the first PostgreSQL store; see pg_lib.h. */
#define CN_LIBPQ_TABLE
#include "pg_lib.h"

#include "dl.h"

CN_DL_DEFINE(cn_libpq, cn_libpq, CN_LIBPQ_FUNCS, cn_libpq_load, "libpq.so.5",
	     "libpq5")
