/* static.c - the web page's files; see static.h. */
#include "static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define STATIC_MAX (16 * 1024 * 1024)

/* Hashed names change with their content: kept a year, never revalidated. */
static const char IMMUTABLE[] = "public, max-age=31536000, immutable";
static const char REVALIDATE[] = "no-cache";
static const char ASSETS[] = "/assets/";

struct mime {
	const char *ext, *type;
	int text; /* the build writes .br and .gz beside it */
};

static const struct mime *mime_of(const char *path)
{
	static const struct mime t[] = {
		{".html", "text/html; charset=utf-8", 1},
		{".js", "text/javascript; charset=utf-8", 1},
		{".mjs", "text/javascript; charset=utf-8", 1},
		{".css", "text/css; charset=utf-8", 1},
		{".json", "application/json", 1},
		{".svg", "image/svg+xml", 1},
		{".png", "image/png", 0},
		{".ico", "image/x-icon", 0},
		{".woff2", "font/woff2", 0},
		{".txt", "text/plain; charset=utf-8", 1},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(dot, t[i].ext))
			return &t[i];
	return NULL;
}

/* The variants the build may write, in the order preferred when a client
 * takes several alike. */
static const struct coding {
	const char *name, *suffix, *tag;
} codings[] = {
	{"br", ".br", "br"},
	{"gzip", ".gz", "gz"},
};
#define NCODINGS (sizeof(codings) / sizeof(codings[0]))

/* "0.5" -> 500: a qvalue (RFC 9110 12.4.2) in thousandths. */
static int qvalue(const char *p)
{
	int q = (*p == '1') ? 1000 : 0, scale = 100;
	if (*p != '0' && *p != '1')
		return 0;
	if (*++p == '.')
		for (p++; *p >= '0' && *p <= '9' && scale; p++, scale /= 10)
			q += (*p - '0') * scale;
	return q > 1000 ? 1000 : q;
}

/* The quality (0 to 1000) an Accept-Encoding value gives coding `name`:
 * its own entry's, else that of "*", else 0 (not named: not taken). */
static int quality(const char *v, const char *name)
{
	int named = -1, star = -1;
	size_t want = strlen(name);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		const char *tok = v;
		while (*v && !strchr(",; \t", *v))
			v++;
		size_t n = (size_t)(v - tok);
		int q = 1000;
		while (*v && *v != ',') {
			if (*v++ != ';')
				continue;
			while (*v == ' ' || *v == '\t')
				v++;
			if ((*v == 'q' || *v == 'Q') && v[1] == '=')
				q = qvalue(v + 2);
		}
		if (n == want && !strncasecmp(tok, name, n))
			named = q;
		else if (n == 1 && *tok == '*')
			star = q;
	}
	return named >= 0 ? named : star > 0 ? star : 0;
}

/* Whether an If-None-Match value names etag (weak comparison: a W/
 * prefix is ignored), or is "*". */
int etag_matches(const char *v, const char *etag)
{
	size_t len = strlen(etag);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (*v == '*')
			return 1;
		if (!strncmp(v, "W/", 2))
			v += 2;
		if (!strncmp(v, etag, len) &&
		    (v[len] == '\0' || v[len] == ',' || v[len] == ' ' || v[len] == '\t'))
			return 1;
		while (*v && *v != ',')
			v++;
	}
	return 0;
}

/* Open path + suffix: the file, its size and an ETag for it. */
static FILE *open_variant(const char *path, const char *suffix,
			  const char *tag, long *size, char etag[48])
{
	char full[1100];
	struct stat st;
	FILE *f;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", path, suffix) >= sizeof(full) ||
	    !(f = fopen(full, "rb")))
		return NULL;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX) {
		fclose(f);
		return NULL;
	}
	*size = (long)st.st_size;
	snprintf(etag, 48, "\"%llx-%llx%s%s\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000u +
			 (unsigned long long)st.st_mtim.tv_nsec / 1000000u,
		 tag[0] ? "-" : "", tag);
	return f;
}

int serve_static(const char *dir, const struct http_request *req,
		 struct http_response *res)
{
	char path[1024];
	const char *rel = req->path, *accept, *inm;
	const struct mime *m;
	const struct coding *used = NULL;
	FILE *f = NULL;
	long n = 0;

	if (!dir[0] || (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
		return 0;
	if (!strcmp(rel, "/"))
		rel = "/index.html";
	/* Only plain names: no "..", no hidden files, no odd characters. */
	for (const char *c = rel; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '/' || *c == '-' ||
		      *c == '_' || (*c == '.' && c > rel && c[-1] != '/' &&
				    c[-1] != '.')))
			return 0;
	if (!(m = mime_of(rel)))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, rel) >= sizeof(path))
		return 0;

	/* The variant the client takes best, if the build wrote it. */
	if (m->text && (accept = req->header(req, "Accept-Encoding"))) {
		int q[NCODINGS];
		for (size_t i = 0; i < NCODINGS; i++)
			q[i] = quality(accept, codings[i].name);
		for (size_t round = 0; round < NCODINGS && !f; round++) {
			size_t pick = NCODINGS;
			for (size_t i = 0; i < NCODINGS; i++)
				if (q[i] > 0 && (pick == NCODINGS || q[i] > q[pick]))
					pick = i;
			if (pick == NCODINGS)
				break;
			if ((f = open_variant(path, codings[pick].suffix,
					      codings[pick].tag, &n, res->etag)))
				used = &codings[pick];
			q[pick] = 0;
		}
	}
	if (!f && !(f = open_variant(path, "", "", &n, res->etag)))
		return 0;

	res->status = 200;
	res->content_type = m->type;
	res->vary = m->text ? "Accept-Encoding" : NULL;
	if (!strncmp(rel, ASSETS, sizeof(ASSETS) - 1)) {
		res->cache_control = IMMUTABLE;
		res->etag[0] = '\0';
	} else {
		res->cache_control = REVALIDATE;
		if ((inm = req->header(req, "If-None-Match")) && etag_matches(inm, res->etag)) {
			fclose(f);
			res->status = 304;
			return 1;
		}
	}
	if (!(res->body = malloc((size_t)n + 1)) ||
	    fread(res->body, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(res->body);
		res->body = NULL;
		res->status = 0;
		return 0;
	}
	fclose(f);
	res->len = (size_t)n;
	res->content_encoding = used ? used->name : NULL;
	return 1;
}
