/* mhd_lib.c - libmicrohttpd, loaded by http_start; see mhd_lib.h. */
#define CN_LIBMHD_TABLE
#include "mhd_lib.h"

#include "../store/dl.h"

CN_DL_DEFINE(cn_libmhd, cn_libmhd, CN_LIBMHD_FUNCS, cn_libmhd_load,
	     "libmicrohttpd.so.12", "libmicrohttpd12")
