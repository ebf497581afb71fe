/* session.c - see session.h. */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../app/people.h"
#include "../core/event.h"
#include "../core/sha256.h"
#include "../store/store.h"
#include "writer.h"

_Static_assert(sizeof(((struct cn_principal *)0)->person_name) ==
	       CN_PERSON_NAME_MAX + 1, "a person's name fits the principal");
_Static_assert(sizeof(((struct cn_principal *)0)->csrf) == CSRF_LEN + 1,
	       "a CSRF token fits the principal");

static int b64url(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

int session_cookie(const char *header, char out[SESSION_LEN + 1])
{
	static const char name[] = SESSION_COOKIE "=";
	const char *p = header;
	int found = 0;

	out[0] = '\0';
	/* cookie-string: pairs separated by ';' and optional spaces
	 * (RFC 6265 5.4).  Another cookie whose name merely ends in ours
	 * is not ours; a second one of ours is refused as malformed, so
	 * no one can plant one beside the real one. */
	while (p && *p) {
		size_t n;
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		n = strcspn(p, ";");
		if (n >= sizeof(name) - 1 && !memcmp(p, name, sizeof(name) - 1)) {
			const char *v = p + sizeof(name) - 1;
			size_t vlen = n - (sizeof(name) - 1);
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (found || vlen != SESSION_LEN || memcmp(v, "cs_", 3))
				return -1;
			for (size_t i = 3; i < vlen; i++)
				if (!b64url((unsigned char)v[i]))
					return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			found = 1;
		}
		p += n;
	}
	return found;
}

_Static_assert(SESSION_LEN == CN_TOKEN_LEN, "a session is made as a token");

void session_new(char out[SESSION_LEN + 1], uint8_t hash[CN_HASH_LEN])
{
	cn_secret_new("cs_", out, hash);
}

void session_csrf(const char *value, char out[CSRF_LEN + 1])
{
	/* An HMAC keyed by the value: no hash the store keeps, and nothing
	 * that tells the value. */
	static const char label[] = "council csrf";
	uint8_t h[CN_SHA256_LEN];

	cn_hmac_sha256(value, strlen(value), label, sizeof(label) - 1, h);
	sodium_bin2base64(out, CSRF_LEN + 1, h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int signin_fields(const json_t *o, const char **name, const char **pw,
		  size_t *pwlen, char *why, size_t n)
{
	const char *k;
	json_t *v;
	struct cn_err err = {0};

	*name = *pw = NULL;
	*pwlen = 0;
	if (!json_is_object(o)) {
		snprintf(why, n, "the body must be a JSON object");
		return -1;
	}
	json_object_foreach((json_t *)o, k, v) {
		if (strcmp(k, "name") && strcmp(k, "password")) {
			snprintf(why, n, "unknown field '%.40s'", k);
			return -1;
		}
		if (!json_is_string(v)) {
			snprintf(why, n, "field '%s': a string", k);
			return -1;
		}
	}
	*name = json_string_value(json_object_get(o, "name"));
	*pw = json_string_value(json_object_get(o, "password"));
	if (!*name || !*pw) {
		snprintf(why, n, "field '%s' is required",
			 *name ? "password" : "name");
		return -1;
	}
	*pwlen = json_string_length(json_object_get(o, "password"));
	if (cn_person_name_check(*name, &err) ||
	    cn_password_check(*pw, *pwlen, &err)) {
		snprintf(why, n, "field %s", err.msg);
		return -1;
	}
	return 0;
}

/* Origin is "http://HOST" or "https://HOST" with the request's Host. */
static int origin_is_host(const char *origin, const char *host)
{
	const char *rest = !strncmp(origin, "http://", 7)    ? origin + 7
			   : !strncmp(origin, "https://", 8) ? origin + 8
							     : NULL;
	return rest && host && !strcasecmp(rest, host);
}

int session_same_origin(const struct http_request *req)
{
	const char *site = req->header(req, "Sec-Fetch-Site");
	const char *origin = req->header(req, "Origin");

	if (site && strcmp(site, "same-origin"))
		return 0;
	if (origin && !origin_is_host(origin, req->header(req, "Host")))
		return 0;
	return 1;
}

void session_set_cookie(struct http_response *res, const char *value,
			int64_t max_age)
{
	snprintf(res->set_cookie, sizeof(res->set_cookie),
		 SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; Secure;"
		 " SameSite=Strict", value ? value : "",
		 value ? (long long)max_age : 0LL);
}

/* Marking a session seen: a store write of its own, queued and not
 * waited for (the request it came with is answered meanwhile). */
struct seen_job {
	struct writer_job job;
	int64_t id, seen;
};

static int mark_seen(struct cn_store *st, int64_t now, void *args,
		     struct cn_err *err)
{
	struct seen_job *j = args;
	(void)now;
	return cn_store_session_seen(st, j->id, j->seen, err);
}

static void seen_done(struct writer_job *job, void *ctx)
{
	(void)job;
	free(ctx);
}

static void touch(struct ctx *x, const struct cn_session *s)
{
	/* Often enough that idle counts from the last request to within a
	 * tenth of it; seldom enough that reading is not writing. */
	int64_t grain = x->api->session_idle / 10;
	struct seen_job *j;

	if (x->now - s->seen < (grain > 1 ? grain : 1) ||
	    !(j = calloc(1, sizeof(*j))))
		return;
	j->id = s->id;
	j->seen = x->now;
	j->job.store_fn = mark_seen;
	j->job.store_args = j;
	j->job.proposal = -1;
	writer_submit_async(x->api->writer, &j->job, seen_done, j);
}

static int refuse(struct ctx *x, const char *why)
{
	session_set_cookie(x->res, NULL, 0);
	reply_error(x, 401, "unauthorized", "%s", why);
	return -1;
}

int session_principal(struct ctx *x, const uint8_t hash[CN_HASH_LEN],
		      struct cn_session *s, const char **why, struct cn_err *err)
{
	struct cn_person p;
	int rc = cn_reader_session(x->rd, hash, s, &p, err);

	*why = NULL;
	if (rc == CN_ENOTFOUND)
		*why = "signed out: sign in again";
	else if (rc)
		return rc;
	else if (x->now >= s->expires || x->now - s->seen >= x->api->session_idle)
		*why = "session expired: sign in again";
	if (*why)
		return CN_ENOTFOUND;
	x->who.role = !strcmp(p.role, "secretariat") ? CN_ROLE_SECRETARIAT
		      : !strcmp(p.role, "member")    ? CN_ROLE_MEMBER
						     : CN_ROLE_PARTNER;
	snprintf(x->who.code, sizeof(x->who.code), "%.7s", p.principal);
	x->who.token_id = 0;
	x->who.person = p.id;
	snprintf(x->who.person_name, sizeof(x->who.person_name), "%s", p.name);
	x->who.session_id = s->id;
	return 0;
}

int session_enter(struct ctx *x)
{
	const struct http_request *req = x->req;
	char value[SESSION_LEN + 1];
	uint8_t hash[CN_HASH_LEN];
	struct cn_session s;
	struct cn_err err = {0};
	const char *sent, *why;
	int rc;

	if (req->authorization)
		return 0;
	if ((rc = session_cookie(req->header(req, "Cookie"), value)) == 0)
		return 0;
	if (rc < 0)
		return refuse(x, "malformed session cookie: sign in again");
	cn_sha256(value, SESSION_LEN, hash);
	if ((rc = session_principal(x, hash, &s, &why, &err)) && why)
		return refuse(x, why);
	if (rc) {
		reply_err(x, &err);
		return -1;
	}
	memcpy(x->session_hash, hash, CN_HASH_LEN);
	session_csrf(value, x->who.csrf);
	sodium_memzero(value, sizeof(value));
	if (strcmp(req->method, "GET")) {
		sent = req->header(req, CSRF_HEADER);
		if (!sent || strlen(sent) != CSRF_LEN ||
		    sodium_memcmp(sent, x->who.csrf, CSRF_LEN) != 0) {
			reply_error(x, 403, "csrf", "a request signed in by"
				    " cookie needs header " CSRF_HEADER
				    " (the csrf of POST /api/v1/session)");
			return -1;
		}
		if (!session_same_origin(req)) {
			reply_error(x, 403, "csrf", "a request signed in by"
				    " cookie must come from this server's"
				    " own page (Origin, Sec-Fetch-Site)");
			return -1;
		}
	}
	touch(x, &s);
	return 0;
}
