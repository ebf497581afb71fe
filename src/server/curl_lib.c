/* curl_lib.c - libcurl, loaded when first needed; see curl_lib.h. */
#define CN_LIBCURL_TABLE
#include "curl_lib.h"

#include "../store/dl.h"

CN_DL_DEFINE(cn_libcurl, cn_libcurl, CN_LIBCURL_FUNCS, cn_libcurl_load,
	     "libcurl.so.4", "libcurl4")
