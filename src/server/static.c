/* static.c - the web page's files; see static.h. */
#include "static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATIC_MAX (16 * 1024 * 1024)

static const char *mime_of(const char *path)
{
	static const struct { const char *ext, *type; } t[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(dot, t[i].ext))
			return t[i].type;
	return NULL;
}

int serve_static(const char *dir, const struct http_request *req,
		 struct http_response *res)
{
	char path[1024];
	const char *rel = req->path, *type;
	FILE *f;
	long n;

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
	if (!(type = mime_of(rel)))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, rel) >= sizeof(path))
		return 0;
	if (!(f = fopen(path, "rb")))
		return 0;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > STATIC_MAX ||
	    fseek(f, 0, SEEK_SET) || !(res->body = malloc((size_t)n + 1)) ||
	    fread(res->body, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(res->body);
		res->body = NULL;
		return 0;
	}
	fclose(f);
	res->len = (size_t)n;
	res->status = 200;
	res->content_type = type;
	return 1;
}
