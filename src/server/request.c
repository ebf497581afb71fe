/* request.c - request bodies and query arguments; see request.h. */
#include "request.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/json_alloc.h"
#include "../core/timeutil.h"

static int depth_of(const json_t *v)
{
	const char *k;
	const json_t *c;
	size_t i;
	int d = 0, m;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c)
			if ((m = depth_of(c)) > d)
				d = m;
		return d + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, c)
			if ((m = depth_of(c)) > d)
				d = m;
		return d + 1;
	}
	return 0;
}

/* Whether a Content-Type names JSON in UTF-8: application/json, any case,
 * with parameters after ';' of which a charset must be utf-8 (RFC 8259
 * defines none, and JSON between systems is UTF-8). */
static int is_json_media_type(const char *ct)
{
	static const char type[] = "application/json";
	const char *p = ct;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, type, sizeof(type) - 1))
		return 0;
	p += sizeof(type) - 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 1;
		if (*p++ != ';')
			return 0;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *name = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		size_t nlen = (size_t)(p - name);
		while (nlen && isspace((unsigned char)name[nlen - 1]))
			nlen--;
		if (*p != '=')
			return 0; /* a parameter is name=value */
		p++;
		const char *value = p;
		size_t vlen;
		if (*p == '"') {
			value = ++p;
			while (*p && *p != '"')
				p++;
			if (*p != '"')
				return 0;
			vlen = (size_t)(p++ - value);
		} else {
			while (*p && *p != ';' && *p != ' ' && *p != '\t')
				p++;
			vlen = (size_t)(p - value);
		}
		if (nlen == 7 && !strncasecmp(name, "charset", 7) &&
		    !(vlen == 5 && !strncasecmp(value, "utf-8", 5)))
			return 0;
	}
}

json_t *body_object(struct ctx *x)
{
	const char *ct = x->req->content_type;
	json_error_t je;
	json_t *v;
	int oom = 0;

	if (!x->req->body || x->req->body_len == 0) {
		reply_error(x, 400, "invalid", "a JSON object body is required");
		return NULL;
	}
	if (!ct || !is_json_media_type(ct)) {
		reply_error(x, 415, "unsupported-media-type",
			    "a JSON body needs Content-Type: application/json "
			    "(charset utf-8 or none), not %s%s%s", ct ? "'" : "",
			    ct ? ct : "none", ct ? "'" : "");
		return NULL;
	}
	/* jansson's own limit is 2048 levels; the recursion in depth_of
	 * stays far below any stack limit at that depth. */
	/* JSON_DECODE_ANY: a body that is valid JSON but not an object is
	 * answered as such below, not as jansson's "'[' or '{' expected". */
	v = cn_json_loadb(x->req->body, x->req->body_len,
			  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je, &oom);
	if (!v && oom) {
		/* jansson may call its failed allocation a syntax error
		 * (core/json_alloc.h): the server's failure, not the body's */
		reply_error(x, 500, "internal", "out of memory reading the "
			    "request body");
		return NULL;
	}
	if (!v) {
		/* jansson names its own flag here; say what the client sent. */
		const char *why = strstr(je.text, "JSON_ALLOW_NUL")
					  ? "a string holds \\u0000 (NUL), which "
					    "no field takes"
					  : je.text;
		reply_error(x, 400, "malformed-json", "line %d, column %d: %s",
			    je.line, je.column, why);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		reply_error(x, 400, "invalid", "the body must be a JSON object");
		return NULL;
	}
	if (depth_of(v) > API_MAX_JSON_DEPTH) {
		json_decref(v);
		reply_error(x, 400, "invalid", "JSON nested deeper than %d levels",
			    API_MAX_JSON_DEPTH);
		return NULL;
	}
	return v;
}

int field_str(struct ctx *x, const json_t *o, const char *name, int required,
	      const char **out)
{
	const json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			reply_error(x, 400, "invalid", "field '%s' is required", name);
			return -1;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		reply_error(x, 400, "invalid", "field '%s' must be a string", name);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

int field_bool(struct ctx *x, const json_t *o, const char *name, int *out)
{
	const json_t *v = json_object_get(o, name);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		reply_error(x, 400, "invalid", "field '%s' must be true or false", name);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

int known_fields(struct ctx *x, const json_t *o, const char *const *names)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;
		for (int i = 0; names[i]; i++)
			ok |= !strcmp(k, names[i]);
		if (!ok) {
			reply_error(x, 400, "invalid", "unknown field '%s'", k);
			return -1;
		}
	}
	return 0;
}

int arg_at(struct ctx *x, int64_t *at)
{
	const char *s = x->req->arg(x->req, "at");
	struct cn_err err = {0};
	*at = x->now;
	if (s && cn_time_parse(s, "at", at, &err)) {
		reply_error(x, 400, "invalid", "%s", err.msg);
		return -1;
	}
	return 0;
}

int arg_int(struct ctx *x, const char *name, int64_t dflt, int64_t min,
	    int64_t max, int64_t *out)
{
	const char *s = x->req->arg(x->req, name);
	char *end;
	*out = dflt;
	if (!s)
		return 0;
	/* Digits only, after an optional minus: strtoll alone would also
	 * take leading spaces and a plus sign. */
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!(isdigit((unsigned char)s[0]) ||
	      (s[0] == '-' && isdigit((unsigned char)s[1]))) ||
	    *end || errno == ERANGE || v < min || v > max) {
		reply_error(x, 400, "invalid",
			    "query argument '%s' must be an integer in %lld..%lld",
			    name, (long long)min, (long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int request_origin(const struct ctx *x, char *out, size_t n)
{
	const char *host = x->req->header(x->req, "Host");
	size_t len = host ? strlen(host) : 0;

	if (!len || len + sizeof("http://") > n ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789.-:[]") != len)
		return -1;
	snprintf(out, n, "http://%s", host);
	return 0;
}
