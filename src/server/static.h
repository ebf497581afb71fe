/*
 * static.h - the web page's files (web/dist, docs/WEB.md), served from a
 * directory for the paths no API route claims.
 *
 * Only GET and HEAD; "/" is index.html.  A path is served only when made
 * of letters, digits, '/', '-', '_' and '.', with no '.' at the start of a
 * name or after another '.' (no "..", no hidden files), ending in a known
 * extension, which also sets its Content-Type; at most 16 MiB.
 */
#ifndef CN_STATIC_H
#define CN_STATIC_H

#include "http.h"

/* Answer req from the files under dir (res->body malloc'd): 1 when
 * served, 0 when the path is not a page file (the caller answers 404). */
int serve_static(const char *dir, const struct http_request *req,
		 struct http_response *res);

#endif
