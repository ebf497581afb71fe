/*
 * mhd_lib.h - libmicrohttpd, loaded by the first http_start (store/dl.h).
 *
 * Include this instead of <microhttpd.h>: it declares libmicrohttpd's
 * types and turns each of its functions that http_mhd.c calls into a call
 * through the table cn_libmhd, filled by cn_libmhd_load.  Only `council
 * serve` loads it, and GnuTLS with it.  Every pointer is NULL until
 * cn_libmhd_load has returned 0; a function http_mhd.c starts to use goes
 * in CN_LIBMHD_FUNCS and gets its #define (until then the link fails).
 */
#ifndef CN_SERVER_MHD_LIB_H
#define CN_SERVER_MHD_LIB_H

#include <microhttpd.h>

#include "../core/err.h"

#define CN_LIBMHD_FUNCS(X)                                                 \
	X(MHD_add_response_header) X(MHD_create_response_from_buffer)      \
	X(MHD_create_response_from_callback) X(MHD_destroy_response)       \
	X(MHD_get_connection_info) X(MHD_get_connection_values)            \
	X(MHD_lookup_connection_value) X(MHD_lookup_connection_value_n)    \
	X(MHD_queue_response) X(MHD_resume_connection)                     \
	X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_suspend_connection)

struct cn_libmhd {
#define CN_LIBMHD_SLOT(f) __typeof__(f) *f;
	CN_LIBMHD_FUNCS(CN_LIBMHD_SLOT)
#undef CN_LIBMHD_SLOT
};

extern struct cn_libmhd cn_libmhd;

/* Load libmicrohttpd once per process (later calls return the first
 * outcome).  0, or CN_EIO saying which library or function is missing. */
int cn_libmhd_load(struct cn_err *err);

#ifndef CN_LIBMHD_TABLE /* mhd_lib.c names the real functions */
#define MHD_add_response_header (cn_libmhd.MHD_add_response_header)
#define MHD_create_response_from_buffer (cn_libmhd.MHD_create_response_from_buffer)
#define MHD_create_response_from_callback (cn_libmhd.MHD_create_response_from_callback)
#define MHD_destroy_response (cn_libmhd.MHD_destroy_response)
#define MHD_get_connection_info (cn_libmhd.MHD_get_connection_info)
#define MHD_get_connection_values (cn_libmhd.MHD_get_connection_values)
#define MHD_lookup_connection_value (cn_libmhd.MHD_lookup_connection_value)
#define MHD_lookup_connection_value_n (cn_libmhd.MHD_lookup_connection_value_n)
#define MHD_queue_response (cn_libmhd.MHD_queue_response)
#define MHD_resume_connection (cn_libmhd.MHD_resume_connection)
#define MHD_start_daemon (cn_libmhd.MHD_start_daemon)
#define MHD_stop_daemon (cn_libmhd.MHD_stop_daemon)
#define MHD_suspend_connection (cn_libmhd.MHD_suspend_connection)
#endif

#endif
