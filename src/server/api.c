/*
 * api.c - routing: the /api/v1 route table, and the dispatcher that runs
 * before every handler (match the path, 405 with Allow for a known path
 * and another method, this thread's reader, then the principal: a bad
 * credential is 401 on every route).  See api.h.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "ctx.h"
#include "handlers.h"
#include "session.h"
#include "static.h"

const struct cn_route cn_routes[] = {
	{"GET", "/healthz", h_health, 0},
	{"GET", "/api/v1/whoami", h_whoami, ROUTE_STANDBY},
	{"GET", "/api/v1/members", h_members, ROUTE_STANDBY},
	{"GET", "/api/v1/bodies", h_bodies, ROUTE_STANDBY},
	{"GET", "/api/v1/bodies/{key}/analysis", h_body_analysis, ROUTE_STANDBY},
	{"GET", "/api/v1/partners", h_partners, ROUTE_STANDBY},
	{"GET", "/api/v1/offices", h_offices, ROUTE_STANDBY},
	{"GET", "/api/v1/proposals", h_proposals, ROUTE_STANDBY},
	{"POST", "/api/v1/proposals", h_propose, 0},
	{"GET", "/api/v1/proposals/{id}", h_proposal, ROUTE_STANDBY},
	{"GET", "/api/v1/proposals/{id}/events", h_proposal_events, ROUTE_STANDBY},
	{"GET", "/api/v1/proposals/{id}/analysis", h_proposal_analysis, ROUTE_STANDBY},
	{"POST", "/api/v1/proposals/{id}/positions", h_position, 0},
	{"POST", "/api/v1/proposals/{id}/votes", h_vote, 0},
	{"POST", "/api/v1/proposals/{id}/extend", h_extend, 0},
	{"POST", "/api/v1/proposals/{id}/recirculate", h_recirculate, 0},
	{"POST", "/api/v1/proposals/{id}/conclude", h_conclude, 0},
	{"POST", "/api/v1/proposals/{id}/withdraw", h_withdraw, 0},
	{"GET", "/api/v1/search", h_search, ROUTE_STANDBY},
	{"GET", "/api/v1/calendar.ics", h_calendar, 0},
	{"GET", "/api/v1/calendar/feeds", h_feeds, 0},
	{"POST", "/api/v1/calendar/feeds", h_feed_new, 0},
	{"POST", "/api/v1/calendar/feeds/{id}/revoke", h_feed_revoke, 0},
	{"GET", "/api/v1/webhooks", h_webhooks, 0},
	{"POST", "/api/v1/webhooks", h_webhook_new, 0},
	{"GET", "/api/v1/webhooks/{id}", h_webhook, 0},
	{"POST", "/api/v1/webhooks/{id}/revoke", h_webhook_revoke, 0},
	{"GET", "/api/v1/webhooks/{id}/deliveries", h_webhook_deliveries, 0},
	{"GET", "/api/v1/session", h_session, 0},
	{"POST", "/api/v1/session", h_session_new, ROUTE_SIGNIN},
	{"DELETE", "/api/v1/session", h_session_end, 0},
	{"POST", "/api/v1/session/passkey/options", h_signin_options,
	 ROUTE_SIGNIN},
	{"POST", "/api/v1/session/passkey", h_signin_passkey, ROUTE_SIGNIN},
	{"GET", "/api/v1/passkeys", h_passkeys, 0},
	{"POST", "/api/v1/passkeys", h_passkey_new, 0},
	{"POST", "/api/v1/passkeys/options", h_passkey_options, 0},
	{"DELETE", "/api/v1/passkeys/{id}", h_passkey_remove, 0},
	{"GET", "/api/v1/people", h_people, 0},
	{"POST", "/api/v1/people", h_person_new, 0},
	{"POST", "/api/v1/people/{id}/disable", h_person_disable, 0},
	{"GET", "/api/v1/log", h_log, ROUTE_STANDBY},
	{"GET", "/api/v1/events/stream", h_events_stream, 0},
	{"POST", "/api/v1/keys", h_keys, 0},
	{"GET", "/api/v1/log/key", h_log_key, ROUTE_STANDBY},
	{"GET", "/api/v1/log/checkpoint", h_log_checkpoint, ROUTE_STANDBY},
	{"GET", "/api/v1/log/proof/inclusion", h_proof_inclusion, ROUTE_STANDBY},
	{"GET", "/api/v1/log/proof/consistency", h_proof_consistency, ROUTE_STANDBY},
	{NULL, NULL, NULL, 0},
};

/* A registry key in a path ({key}): a body's id, letters, digits, '-'
 * and '_'. */
static size_t key_len(const char *path)
{
	size_t n = strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
			  "qrstuvwxyz0123456789-_");
	return n < CN_KEY_MAX ? n : 0;
}

/* Match path against pattern; {id} takes a positive integer, {key} a
 * registry key. */
int cn_route_match(const char *pattern, const char *path, int64_t *id,
		   char key[CN_KEY_MAX])
{
	while (*pattern && *path) {
		if (!strncmp(pattern, "{key}", 5)) {
			size_t n = key_len(path);
			if (!n || (path[n] && path[n] != '/'))
				return 0;
			memcpy(key, path, n);
			key[n] = '\0';
			path += n;
			pattern += 5;
			continue;
		}
		if (!strncmp(pattern, "{id}", 4)) {
			char *end;
			if (*path < '1' || *path > '9')
				return 0;
			long long v = strtoll(path, &end, 10);
			if (v <= 0 || (*end && *end != '/'))
				return 0;
			*id = v;
			path = end;
			pattern += 4;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
}

void cn_api_handle(void *vapi, const struct http_request *req,
		   struct http_response *res)
{
	struct cn_api *api = vapi;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct ctx x = {.api = api, .req = req, .res = res,
			.now = (int64_t)ts.tv_sec};
	struct cn_err err = {0};
	const struct cn_route *hit = NULL;
	static const char *const allows[8] = {
		NULL, "GET", "POST", "GET, POST", "DELETE", "GET, DELETE",
		"POST, DELETE", "GET, POST, DELETE"};
	/* bit 0 GET, bit 1 POST, bit 2 DELETE: what this path serves */
	int methods = 0;

	for (const struct cn_route *r = cn_routes; r->method; r++) {
		int64_t id = 0;
		char key[CN_KEY_MAX] = "";
		if (!cn_route_match(r->pattern, req->path, &id, key))
			continue;
		methods |= !strcmp(r->method, "GET")    ? 1
			   : !strcmp(r->method, "POST") ? 2
							: 4;
		if (!strcmp(r->method, req->method)) {
			hit = r;
			x.id = id;
			memcpy(x.key, key, sizeof(x.key));
			break;
		}
	}
	if (!hit) {
		if (methods) {
			res->allow = allows[methods];
			reply_error(&x, 405, "method-not-allowed",
				    "%s is not allowed on %s", req->method, req->path);
		} else if (!serve_static(api->web, req, res))
			not_found(&x);
		return;
	}
	if (!(x.cache = cache_get(api, &err))) {
		reply_error(&x, 503, "unavailable", "%s", err.msg);
		return;
	}
	if (cache_principal(x.cache, req->authorization, &x.who, &err)) {
		reply_error(&x, 401, "unauthorized", "%s", err.msg);
		return;
	}
	/* No token: a person's session cookie, if any (session.h), read
	 * from the primary like tokens. */
	x.rd = cache_reader(x.cache);
	if (!(hit->flags & ROUTE_SIGNIN) && session_enter(&x))
		return;
	/* The principal known, its read may go to the standby. */
	if (hit->flags & ROUTE_STANDBY)
		(void)cache_route(x.cache, api, x.who.token_id);
	x.rd = cache_reader(x.cache);
	x.reg = cn_reader_registry(x.rd);
	/* What the public reads is the same for everyone: it may be kept and
	 * revalidated.  Anything read with a token stays no-store (the
	 * default): it depends on the token and must not be kept. */
	if (x.who.role == CN_ROLE_PUBLIC && !strcmp(req->method, "GET")) {
		res->cache_control = "no-cache";
		res->vary = "Authorization, Cookie";
	}
	hit->fn(&x);
}
