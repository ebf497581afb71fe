/*
 * dl.h - a shared library loaded when first needed, not at start-up.
 *
 * In store/, the lowest layer that may do I/O: the store (libpq) and the
 * server (libmicrohttpd, libcurl) both load through it.
 *
 * Linked the usual way, libpq, libcurl and libmicrohttpd, and the thirty
 * or so libraries they bring (Kerberos, LDAP, GnuTLS, ...), were mapped
 * and relocated before main() of every command: 9 of the 13.5 ms of CPU
 * a `council --version` took, for code that only a PostgreSQL store or
 * `council serve` runs.  So those three are loaded by
 * the modules that use them (store/pg_lib.h, server/mhd_lib.h,
 * server/curl_lib.h), the way systemd loads its optional libraries:
 * dlopen by soname, each function the module calls resolved by name into
 * a table of typed pointers, once per process.  A name missing from the
 * table is a link error, since the library is no longer linked.
 *
 * Ownership: a library loaded stays loaded until exit (never dlclose'd:
 * its functions may be running on other threads).  The tables are the
 * only process-wide state this adds; each is written once, under its
 * library's mutex, and read only by a thread that took that mutex after
 * (cn_dl_load) or got a handle made after the load (a connection).
 */
#ifndef CN_DL_H
#define CN_DL_H

#include <pthread.h>
#include <stddef.h>

#include "../core/err.h"

/* One library and its table: a struct of n function pointers (nothing
 * else), filled in the order of names.  Static, one per library, made
 * by CN_DL_DEFINE; the fields after size are cn_dl_load's. */
struct cn_dl_lib {
	const char *soname;  /* "libpq.so.5" */
	const char *package; /* the Debian package that installs it */
	const char *const *names;
	size_t n;
	void *table;
	size_t size; /* sizeof the table: n pointers */
	pthread_mutex_t mu;
	int tried;
	struct cn_err outcome; /* of the one attempt */
};

/* In the module that owns a library's table: defines `struct TYPE
 * table` (all NULL until loaded) and `int loadfn(struct cn_err *)`, which
 * loads it (cn_dl_load), from FUNCS, the X-macro list of the functions
 * the table holds, in the order of its struct. */
#define CN_DL_NAME(f) #f,
#define CN_DL_DEFINE(type, table, FUNCS, loadfn, soname, package)          \
	struct type table;                                                  \
	static const char *const table##_names[] = {FUNCS(CN_DL_NAME)};     \
	static struct cn_dl_lib table##_lib = {                             \
		(soname), (package), table##_names,                         \
		sizeof(table##_names) / sizeof(table##_names[0]), &(table), \
		sizeof(table), PTHREAD_MUTEX_INITIALIZER, 0, {0, ""}};      \
	int loadfn(struct cn_err *err)                                      \
	{                                                                   \
		return cn_dl_load(&table##_lib, err);                       \
	}

/* Load lib and fill its table, once per process: dlopen (RTLD_NOW, so a
 * missing symbol fails here, not mid-call), then each name.  Later calls
 * return the first outcome; each call synchronises with the load, so a
 * thread that called it may read the table.  0, or CN_EIO naming the
 * library (and the package that installs it) or the missing function;
 * the table is left all NULL then. */
int cn_dl_load(struct cn_dl_lib *lib, struct cn_err *err);

#endif
