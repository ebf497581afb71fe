/*
 * static.h - the web page's files (web/dist, docs/WEB.md), served from a
 * directory for the paths no API route claims.
 *
 * Only GET and HEAD; "/" is index.html.  A path is served only when made
 * of letters, digits, '/', '-', '_' and '.', with no '.' at the start of a
 * name or after another '.' (no "..", no hidden files), ending in a known
 * extension, which also sets its Content-Type; at most 16 MiB.
 *
 * Compression is done once, at build time: beside FILE the build writes
 * FILE.br and FILE.gz when they are smaller.  The server sends the one the
 * client's Accept-Encoding takes (brotli first, then gzip, else FILE),
 * with Content-Encoding, and Vary: Accept-Encoding on every text type.
 *
 * Caching: files under /assets/ have content-hashed names (a new content
 * is a new name), so they are "public, max-age=31536000, immutable"; the
 * rest (index.html, the shell that names them) is "no-cache" with an ETag
 * (size and modification time of the variant sent), and an If-None-Match
 * that names it is answered 304 without a body.
 */
#ifndef CN_STATIC_H
#define CN_STATIC_H

#include "http.h"

/* Answer req from the files under dir (res->body malloc'd): 1 when
 * served, 0 when the path is not a page file (the caller answers 404). */
int serve_static(const char *dir, const struct http_request *req,
		 struct http_response *res);
/* Whether an If-None-Match value names etag (weak comparison: a W/
 * prefix is ignored), or is "*".  The calendar feed's 304 too. */
int etag_matches(const char *v, const char *etag);

#endif
