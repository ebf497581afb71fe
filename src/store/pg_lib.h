/*
 * pg_lib.h - libpq, loaded by the first PostgreSQL store opened (dl.h).
 *
 * Include this instead of <libpq-fe.h>: it declares libpq's types and
 * turns each libpq function the store calls into a call through the
 * table cn_libpq, filled by cn_libpq_load.  A command on an SQLite store
 * never loads libpq, nor Kerberos and LDAP with it.
 *
 * Every pointer is NULL until cn_libpq_load has returned 0, so a function
 * below may be called only on a connection, which pg_open.c makes after
 * loading.  A function the store starts to use goes in CN_LIBPQ_FUNCS
 * and gets its #define; until then the link fails, naming it.
 */
#ifndef CN_STORE_PG_LIB_H
#define CN_STORE_PG_LIB_H

#include <libpq-fe.h>

#include "../core/err.h"

#define CN_LIBPQ_FUNCS(X)                                                   \
	X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams)       \
	X(PQconsumeInput) X(PQdb) X(PQenterPipelineMode) X(PQerrorMessage)  \
	X(PQexec) X(PQexecParams) X(PQexecPrepared) X(PQexitPipelineMode)  \
	X(PQfinish) X(PQfreemem) X(PQftype) X(PQgetisnull)                  \
	X(PQgetlength) X(PQgetResult) X(PQgetvalue) X(PQnotifies)           \
	X(PQntuples)                                                        \
	X(PQparameterStatus) X(PQpipelineStatus) X(PQpipelineSync)          \
	X(PQprepare) X(PQreset) X(PQresultErrorMessage) X(PQresultStatus)   \
	X(PQsendPrepare) X(PQsendQueryParams) X(PQsendQueryPrepared)        \
	X(PQsetClientEncoding) X(PQsocket) X(PQstatus)                      \
	X(PQtransactionStatus)

struct cn_libpq {
#define CN_LIBPQ_SLOT(f) __typeof__(f) *f;
	CN_LIBPQ_FUNCS(CN_LIBPQ_SLOT)
#undef CN_LIBPQ_SLOT
};

extern struct cn_libpq cn_libpq;

/* Load libpq once per process (later calls return the first outcome).
 * 0, or CN_EIO saying which library or function is missing. */
int cn_libpq_load(struct cn_err *err);

#ifndef CN_LIBPQ_TABLE /* pg_lib.c names the real functions */
#define PQclear (cn_libpq.PQclear)
#define PQcmdStatus (cn_libpq.PQcmdStatus)
#define PQcmdTuples (cn_libpq.PQcmdTuples)
#define PQconnectdbParams (cn_libpq.PQconnectdbParams)
#define PQconsumeInput (cn_libpq.PQconsumeInput)
#define PQdb (cn_libpq.PQdb)
#define PQenterPipelineMode (cn_libpq.PQenterPipelineMode)
#define PQerrorMessage (cn_libpq.PQerrorMessage)
#define PQexec (cn_libpq.PQexec)
#define PQexecParams (cn_libpq.PQexecParams)
#define PQexecPrepared (cn_libpq.PQexecPrepared)
#define PQexitPipelineMode (cn_libpq.PQexitPipelineMode)
#define PQfinish (cn_libpq.PQfinish)
#define PQfreemem (cn_libpq.PQfreemem)
#define PQftype (cn_libpq.PQftype)
#define PQgetisnull (cn_libpq.PQgetisnull)
#define PQgetlength (cn_libpq.PQgetlength)
#define PQgetResult (cn_libpq.PQgetResult)
#define PQgetvalue (cn_libpq.PQgetvalue)
#define PQnotifies (cn_libpq.PQnotifies)
#define PQntuples (cn_libpq.PQntuples)
#define PQparameterStatus (cn_libpq.PQparameterStatus)
#define PQpipelineStatus (cn_libpq.PQpipelineStatus)
#define PQpipelineSync (cn_libpq.PQpipelineSync)
#define PQprepare (cn_libpq.PQprepare)
#define PQreset (cn_libpq.PQreset)
#define PQresultErrorMessage (cn_libpq.PQresultErrorMessage)
#define PQresultStatus (cn_libpq.PQresultStatus)
#define PQsendPrepare (cn_libpq.PQsendPrepare)
#define PQsendQueryParams (cn_libpq.PQsendQueryParams)
#define PQsendQueryPrepared (cn_libpq.PQsendQueryPrepared)
#define PQsetClientEncoding (cn_libpq.PQsetClientEncoding)
#define PQsocket (cn_libpq.PQsocket)
#define PQstatus (cn_libpq.PQstatus)
#define PQtransactionStatus (cn_libpq.PQtransactionStatus)
#endif

#endif
