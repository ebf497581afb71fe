/*
 * curl_lib.h - libcurl, loaded when first needed (store/dl.h).
 *
 * Include this instead of <curl/curl.h>: it declares libcurl's types and
 * turns each of its functions the server calls (webhooks, e-mail, URL
 * parsing) into a call through the table cn_libcurl, filled by
 * cn_libcurl_load.  A read command never loads it, nor the Kerberos,
 * LDAP, SSH and RTMP libraries it brings.  Every pointer is NULL until
 * cn_libcurl_load has returned 0: hooks_start, mail_conf_set and
 * url_parts_read load it first.  A function the server starts to use
 * goes in CN_LIBCURL_FUNCS and gets its #define (until then the link
 * fails).
 *
 * curl.h makes curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt
 * macros of their own names (GCC type checks, or a check of the argument
 * count): the table's take those names, so the type checks are off and
 * the count's macros undefined.
 */
#ifndef CN_SERVER_CURL_LIB_H
#define CN_SERVER_CURL_LIB_H

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "../core/err.h"

#define CN_LIBCURL_FUNCS(X)                                                \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init)        \
	X(curl_easy_setopt) X(curl_easy_strerror) X(curl_free)             \
	X(curl_global_cleanup) X(curl_global_init) X(curl_multi_add_handle) \
	X(curl_multi_cleanup) X(curl_multi_info_read) X(curl_multi_init)   \
	X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_remove_handle) \
	X(curl_multi_setopt) X(curl_slist_append) X(curl_slist_free_all)   \
	X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set)

struct cn_libcurl {
#define CN_LIBCURL_SLOT(f) __typeof__(f) *f;
	CN_LIBCURL_FUNCS(CN_LIBCURL_SLOT)
#undef CN_LIBCURL_SLOT
};

extern struct cn_libcurl cn_libcurl;

/* Load libcurl once per process (later calls return the first outcome).
 * 0, or CN_EIO saying which library or function is missing. */
int cn_libcurl_load(struct cn_err *err);

#ifndef CN_LIBCURL_TABLE /* curl_lib.c names the real functions */
#undef curl_easy_getinfo
#undef curl_easy_setopt
#undef curl_multi_setopt
#define curl_easy_cleanup (cn_libcurl.curl_easy_cleanup)
#define curl_easy_getinfo (cn_libcurl.curl_easy_getinfo)
#define curl_easy_init (cn_libcurl.curl_easy_init)
#define curl_easy_setopt (cn_libcurl.curl_easy_setopt)
#define curl_easy_strerror (cn_libcurl.curl_easy_strerror)
#define curl_free (cn_libcurl.curl_free)
#define curl_global_cleanup (cn_libcurl.curl_global_cleanup)
#define curl_global_init (cn_libcurl.curl_global_init)
#define curl_multi_add_handle (cn_libcurl.curl_multi_add_handle)
#define curl_multi_cleanup (cn_libcurl.curl_multi_cleanup)
#define curl_multi_info_read (cn_libcurl.curl_multi_info_read)
#define curl_multi_init (cn_libcurl.curl_multi_init)
#define curl_multi_perform (cn_libcurl.curl_multi_perform)
#define curl_multi_poll (cn_libcurl.curl_multi_poll)
#define curl_multi_remove_handle (cn_libcurl.curl_multi_remove_handle)
#define curl_multi_setopt (cn_libcurl.curl_multi_setopt)
#define curl_slist_append (cn_libcurl.curl_slist_append)
#define curl_slist_free_all (cn_libcurl.curl_slist_free_all)
#define curl_url (cn_libcurl.curl_url)
#define curl_url_cleanup (cn_libcurl.curl_url_cleanup)
#define curl_url_get (cn_libcurl.curl_url_get)
#define curl_url_set (cn_libcurl.curl_url_set)
#endif

#endif
