/* reply.c - the answers of the API; see ctx.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

void reply_json(struct ctx *x, int status, json_t *v)
{
	x->res->status = status;
	x->res->content_type = "application/json";
	x->res->body = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	x->res->len = x->res->body ? strlen(x->res->body) : 0;
	json_decref(v);
}

void reply_error(struct ctx *x, int status, const char *code,
		 const char *fmt, ...)
{
	char msg[CN_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_json(x, status, json_pack("{s:{s:s, s:s}}", "error", "code", code,
					"message", msg));
}

void reply_err(struct ctx *x, const struct cn_err *e)
{
	switch (e->code) {
	case CN_EINVAL: reply_error(x, 400, "invalid", "%s", e->msg); return;
	case CN_ENOTFOUND: reply_error(x, 404, "not-found", "%s", e->msg); return;
	case CN_EREFUSED: reply_error(x, 409, "refused", "%s", e->msg); return;
	case CN_ECONCLUDED: reply_error(x, 409, "concluded", "%s", e->msg); return;
	case CN_EIO:
		/* The store cannot be written (or the server is stopping): try
		 * again later. */
		reply_error(x, 503, "unavailable", "%s", e->msg);
		return;
	default: reply_error(x, 500, "internal", "%s", e->msg); return;
	}
}

void reply_bytes(struct ctx *x, const char *bytes, size_t len)
{
	x->res->status = 200;
	x->res->content_type = "application/json";
	if ((x->res->body = malloc(len + 1))) {
		memcpy(x->res->body, bytes, len);
		x->res->len = len;
	}
}

void not_found(struct ctx *x)
{
	reply_error(x, 404, "not-found", "no such resource");
}
