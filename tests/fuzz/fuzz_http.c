/* fuzz_http.c - libFuzzer target for the HTTP API without sockets: each
 * input is decoded into one struct http_request (http.h) and answered by
 * cn_api_handle, the server's own dispatcher, with the server's own route
 * handlers, body parsers, per-thread reader cache and writer thread, on a
 * store in /dev/shm seeded with the NATO dataset, the tokyo-2023 scenario,
 * five tokens and France's webhook, and a tiny web page for the static
 * files.
 *
 * Input: three selector bytes, then a request line, header lines and a
 * body, as in HTTP/1.1:
 *
 *   byte 0   method: GET POST PUT DELETE HEAD PATCH OPTIONS
 *   byte 1   Authorization (auths[] below: a header line's, none, each
 *            token, the revoked one, empty, malformed...)
 *   byte 2   Content-Type (ctypes[] below: a header line's, JSON, JSON
 *            with a charset, text/plain, none)
 *   PATH[?QUERY]\n   percent-decoded as libmicrohttpd hands it to the
 *                    handlers (http_mhd.c: its unescape, %00 kept; the
 *                    query split at & and =, '+' a space, case-insensitive
 *                    names, the first of a repeated name wins)
 *   Name: value\n    headers, up to an empty line (Accept-Encoding and
 *                    If-None-Match reach the static files)
 *   \n BODY          the rest, exactly as long as it is (not terminated)
 *
 * Properties (abort on violation), for every input:
 *   - the status is one docs/api.yaml documents for the route and method
 *     (read from that file at start; the statuses every route may answer,
 *     400 and 405, added), 405 with an Allow header; an unknown path is
 *     404, or a web file's 200/304; never 500 or 503 (the store is a
 *     healthy tmpfs file: a 500 is a refusal mistaken for a failure);
 *   - every answer of the API is valid UTF-8 JSON, nothing after it;
 *   - an error is {"error": {"code", "message"}} and nothing else, the
 *     code the one of its status, the message non-empty;
 *   - the log grows only by an answered write (POST, 2xx): any other
 *     request, a refused one too, leaves it as it was, but for the
 *     deadline clock's own events ("clock"), which the writer thread may
 *     append at any moment;
 *   - an answer read with a token, or of anything but a GET, is never
 *     cacheable (Cache-Control no-store: the HTTP layer's default);
 *   - a redacted view (the public, a partner) never carries positions;
 *   - an event stream (GET /api/v1/events/stream) is read until it has
 *     nothing more to send: it is Server-Sent Events (a `retry:` first,
 *     then `id:`, `event:`, `data:` lines, the data one JSON object whose
 *     seq and type are the id and event), ids rising;
 *   - nothing leaks or is read out of bounds (ASan, UBSan).
 *
 * Writes are answered synchronously (defer returns NULL: submit.c then
 * waits for the writer).  The store is copied back from its pristine
 * state after every accepted write (REBUILD_EVERY), so every input meets
 * the same store: what an input does depends on that input alone, and a
 * crash reproduces from its own file (only the deadline clock, which
 * follows the wall clock, can differ between two runs).  A rebuild costs
 * about as much as the accepted write itself (60-90 ms under the
 * sanitizers); refused writes and reads need none.
 * FUZZ_HTTP_TRACE=1 prints each request and its answer.  The store's
 * directory (/dev/shm/fuzz_http.PID.XXXXXX) is removed at exit; after a
 * crash it is left for the post-mortem, and removed by the next run. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/app.h"
#include "app/reader.h"
#include "server/api.h"
#include "server/session.h"
#include "server/throttle.h"
#include "server/auth.h"
#include "server/cache.h"
#include "server/ctx.h"
#include "server/writer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REBUILD_EVERY 1 /* accepted writes between two rebuilds */
#define MAX_HEADERS 16
#define MAX_ARGS 32

/* ---- the store's principals ------------------------------------------ */

/* Fixed tokens (the format of auth.h: "cn_" and 43 characters), so that a
 * crashing input means the same thing in every process. */
static const struct principal {
	const char *role, *code, *token;
	int revoked;
} principals[] = {
	{"secretariat", "", "cn_fuzzSecretariatAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0},
	{"member", "FR", "cn_fuzzMemberFRAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0},
	{"member", "DE", "cn_fuzzMemberDEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0},
	{"partner", "JP", "cn_fuzzPartnerJPAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0},
	{"member", "IT", "cn_fuzzRevokedITAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1},
};
#define NPRINCIPALS (sizeof(principals) / sizeof(principals[0]))

/* Byte 1 of an input: the first is the header line's, if any (none
 * without one); with a principal, its token after the text. */
static const struct auth_choice {
	const char *text;
	int principal; /* index in principals[], -1 for none */
} auths[] = {
	{NULL, -1},       {"Bearer ", 0}, {"Bearer ", 1},
	{"Bearer ", 2},   {"Bearer ", 3}, {"Bearer ", 4},
	{"", -1},         {"Bearer ", -1}, {"Bearer cn_short", -1},
	{"Basic Zm9vOmJhcg==", -1},        {"bearer   ", 0},
};
#define NAUTHS (sizeof(auths) / sizeof(auths[0]))

/* Byte 2: NULL at 0 is a header line's; at the end, none. */
static const char *const ctypes[] = {
	NULL,
	"application/json",
	"application/json; charset=utf-8",
	"text/plain",
	"application/json; charset=latin-1",
	NULL,
};
#define NCTYPES (sizeof(ctypes) / sizeof(ctypes[0]))

static const char *const methods[] = {"GET", "POST", "PUT", "DELETE",
				      "HEAD", "PATCH", "OPTIONS"};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/* ---- the documented statuses (docs/api.yaml) ------------------------- */

#define MAX_OPS 64

static struct op {
	char pattern[96];
	char method[8];       /* upper case */
	unsigned char ok[6];  /* statuses 100..599 as bits, by hundreds */
	int status[16];
	int nstatus;
} ops[MAX_OPS];
static int nops;

/* api.yaml's layout rule (its header): a path at 2 spaces, an operation
 * at 4, and within it, the responses' statuses at 8. */
static void read_api_yaml(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[512], path[96] = "";
	int in_paths = 0;
	struct op *cur = NULL;

	if (!f)
		abort();
	while (fgets(line, sizeof(line), f)) {
		int n;
		if (!strcmp(line, "paths:\n")) {
			in_paths = 1;
			continue;
		}
		if (!in_paths)
			continue;
		if (isalpha((unsigned char)line[0]))
			break;
		if (!strncmp(line, "  /", 3) && line[2 + strcspn(line + 2, ":")]) {
			snprintf(path, sizeof(path), "%.*s",
				 (int)strcspn(line + 2, ":"), line + 2);
			cur = NULL;
		} else if (!strncmp(line, "    ", 4) && islower((unsigned char)line[4])) {
			if (nops == MAX_OPS)
				abort();
			cur = &ops[nops++];
			snprintf(cur->pattern, sizeof(cur->pattern), "%s", path);
			for (n = 0; islower((unsigned char)line[4 + n]) && n < 7; n++)
				cur->method[n] = (char)toupper((unsigned char)line[4 + n]);
		} else if (cur && !strncmp(line, "        \"", 9) &&
			   sscanf(line + 9, "%3d\":", &n) == 1 && n >= 100 &&
			   n < 600 && cur->nstatus < 16)
			cur->status[cur->nstatus++] = n;
	}
	fclose(f);
	if (nops < 20)
		abort(); /* the file's layout moved: the oracle would be empty */
}

/* The route matcher the server dispatches by (api.h). */
static int route_matches(const char *pattern, const char *path)
{
	int64_t id;
	char key[CN_KEY_MAX];

	return cn_route_match(pattern, path, &id, key);
}

/* ---- the request ------------------------------------------------------ */

struct fuzz_req {
	struct http_request req;
	char *line;  /* path and query, decoded in place */
	char auth[80];
	struct { const char *name, *value; } hdr[MAX_HEADERS];
	int nhdr;
	struct { const char *name, *value; } arg[MAX_ARGS];
	int narg;
	char *sse;    /* a stream's text, read to its pause (fuzz_stream) */
	size_t sse_len;
	int streamed;
};

/* An argument's name or value as libmicrohttpd decodes it: '+' is a
 * space, then the server's own unescape (http.h). */
static void unescape_arg(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '+')
			*p = ' ';
	http_unescape(s);
}

/* libmicrohttpd's split of a query: pairs at '&', a name and its value at
 * the first '='; a name alone has no value (NULL). */
static void parse_query(struct fuzz_req *fr, char *q)
{
	while (q && *q && fr->narg < MAX_ARGS) {
		char *amp = strchr(q, '&'), *eq;
		if (amp)
			*amp++ = '\0';
		eq = strchr(q, '=');
		if (eq)
			*eq++ = '\0';
		unescape_arg(q);
		if (eq)
			unescape_arg(eq);
		fr->arg[fr->narg].name = q;
		fr->arg[fr->narg++].value = eq;
		q = amp;
	}
}

static const char *fuzz_arg(const struct http_request *req, const char *name)
{
	const struct fuzz_req *fr = req->impl;
	for (int i = 0; i < fr->narg; i++)
		if (!strcasecmp(fr->arg[i].name, name))
			return fr->arg[i].value ? fr->arg[i].value : "";
	return NULL;
}

static const char *fuzz_header(const struct http_request *req, const char *name)
{
	const struct fuzz_req *fr = req->impl;
	if (!strcasecmp(name, "Authorization"))
		return req->authorization;
	if (!strcasecmp(name, "Content-Type"))
		return req->content_type;
	for (int i = 0; i < fr->nhdr; i++)
		if (!strcasecmp(fr->hdr[i].name, name))
			return fr->hdr[i].value;
	return NULL;
}

/* A stream: read at once until its reader has nothing more (or a bound),
 * then freed, as when its client goes away. */
#define STREAM_READS_MAX 256
static int fuzz_stream(const struct http_request *req, struct http_response *res,
		       const struct http_stream_ops *reader, void *st)
{
	struct fuzz_req *fr = req->impl;
	char buf[1000];
	long n;
	(void)res;

	fr->streamed = 1;
	for (int i = 0; i < STREAM_READS_MAX &&
			(n = reader->read(st, buf, sizeof(buf))) > 0; i++) {
		char *t = realloc(fr->sse, fr->sse_len + (size_t)n + 1);
		if (!t)
			abort();
		memcpy(t + fr->sse_len, buf, (size_t)n);
		fr->sse = t;
		fr->sse_len += (size_t)n;
		fr->sse[fr->sse_len] = '\0';
	}
	reader->free(st);
	return 0;
}

/* Answer now: what libmicrohttpd's layer does when it cannot suspend. */
static struct http_deferred *no_defer(const struct http_request *req)
{
	(void)req;
	return NULL;
}

/* The header lines of text (NUL-terminated, modified in place), up to an
 * empty line; 0, or -1 for a request the HTTP layer answers before any
 * handler (a repeated Authorization or Content-Type: http_mhd.c). */
static int parse_headers(struct fuzz_req *fr, char *text)
{
	int nauth = 0, nctype = 0;
	for (char *l = text, *next; l && *l; l = next) {
		if ((next = strchr(l, '\n')))
			*next++ = '\0';
		char *colon = strchr(l, ':'), *v, *end;
		if (!colon || colon == l || fr->nhdr == MAX_HEADERS)
			continue; /* libmicrohttpd refuses it: not a header */
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t' ||
						      end[-1] == '\r'); end--)
			;
		*end = '\0';
		nauth += !strcasecmp(l, "Authorization");
		nctype += !strcasecmp(l, "Content-Type");
		fr->hdr[fr->nhdr].name = l;
		fr->hdr[fr->nhdr++].value = v;
	}
	return nauth > 1 || nctype > 1 ? -1 : 0;
}

static const char *header_line(const struct fuzz_req *fr, const char *name)
{
	for (int i = 0; i < fr->nhdr; i++)
		if (!strcasecmp(fr->hdr[i].name, name))
			return fr->hdr[i].value;
	return NULL;
}

/* Decode data into fr (its strings in *text and *body, the caller's to
 * free); -1 when the HTTP layer would not hand it to a handler. */
static int decode(const uint8_t *data, size_t size, struct fuzz_req *fr,
		  char **text, char **body)
{
	const uint8_t *end = data + size, *nl, *blank = NULL;
	size_t hlen;

	memset(fr, 0, sizeof(*fr));
	*text = *body = NULL;
	if (size < 3)
		return -1;
	unsigned ai = data[1] % NAUTHS, ci = data[2] % NCTYPES;
	fr->req.method = methods[data[0] % NMETHODS];
	data += 3;
	/* Headers end at the first empty line; the body is what follows. */
	for (const uint8_t *p = data; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n') {
			blank = p;
			break;
		}
	hlen = (size_t)((blank ? blank : end) - data);
	if (!(*text = malloc(hlen + 1)))
		abort();
	memcpy(*text, data, hlen);
	(*text)[hlen] = '\0';
	if (strlen(*text) != hlen)
		return -1; /* a NUL in the head: no HTTP parser takes it */
	if (blank && end - (blank + 2) > 0) {
		size_t blen = (size_t)(end - (blank + 2));
		if (!(*body = malloc(blen)))
			abort();
		memcpy(*body, blank + 2, blen);
		fr->req.body = *body;
		fr->req.body_len = blen;
	}
	fr->line = *text;
	nl = memchr(*text, '\n', hlen);
	if (nl) {
		(*text)[nl - (const uint8_t *)*text] = '\0';
		if (parse_headers(fr, *text + (nl - (const uint8_t *)*text) + 1))
			return -1;
	}
	fr->line[strcspn(fr->line, "\r")] = '\0';
	char *q = strchr(fr->line, '?');
	if (q)
		*q++ = '\0';
	if (!fr->line[0])
		return -1; /* no request target: a 400 of the HTTP layer */
	parse_query(fr, q);
	http_unescape(fr->line);
	fr->req.path = fr->line;
	/* Choice 0 of each is the header line's (none without one). */
	if (!ai)
		fr->req.authorization = header_line(fr, "Authorization");
	else if (auths[ai].principal < 0)
		fr->req.authorization = auths[ai].text;
	else {
		snprintf(fr->auth, sizeof(fr->auth), "%s%s", auths[ai].text,
			 principals[auths[ai].principal].token);
		fr->req.authorization = fr->auth;
	}
	fr->req.content_type = ci ? ctypes[ci] : header_line(fr, "Content-Type");
	fr->req.header = fuzz_header;
	fr->req.arg = fuzz_arg;
	fr->req.defer = no_defer;
	fr->req.stream = fuzz_stream;
	fr->req.impl = fr;
	return 0;
}

/* ---- the store -------------------------------------------------------- */

static struct {
	char dir[128];
	char db[192], key[200], pristine[192], pristine_key[200]; /* db + ".key" */
	char web[192];
	struct cn_api api;
	struct cn_reader *watch; /* the log's size, from outside the server */
	unsigned writes;         /* accepted writes since the last rebuild */
	int trace;               /* FUZZ_HTTP_TRACE=1: print each answer */
} F;

static _Noreturn void die(const char *what, const struct cn_err *err)
{
	fprintf(stderr, "fuzz_http: %s: %s\n", what, err ? err->msg : strerror(errno));
	abort();
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f))
		die(path, NULL);
}

static void copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	if (in < 0 || (out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		die(from, NULL);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die(to, NULL);
	if (n < 0 || close(out))
		die(to, NULL);
	close(in);
}

/* The pristine store: the dataset, the scenario and the tokens, written
 * through the app as `council init`, `replay` and `token issue` do. */
static void build_pristine(void)
{
	struct cn_err err = {0};
	struct cn_app *app;
	json_t *report = NULL;
	int64_t id, now = (int64_t)time(NULL);

	if (cn_app_open(F.pristine, CN_STORE_CREATE, &app, &err) ||
	    cn_app_seed(app, CN_DATADIR "/nato.json", 0, &err))
		die("seed", &err);
	cn_app_set_clock(app, now);
	if (cn_app_replay(app, CN_DATADIR "/../scenarios/tokyo-2023.json", &report,
			  &err))
		die("replay", &err);
	json_decref(report);
	for (size_t i = 0; i < NPRINCIPALS; i++) {
		uint8_t hash[CN_HASH_LEN];
		cn_token_hash(principals[i].token, hash);
		if (cn_store_token_add(cn_app_store(app), hash, principals[i].role,
				       principals[i].code, "fuzz", now, &id, &err) ||
		    (principals[i].revoked &&
		     cn_store_token_revoke(cn_app_store(app), id, now, &err)))
			die("token", &err);
	}
	/* France's webhook (id 1), for the webhook routes to find. */
	struct cn_webhook w = {.owner = 2, .cursor = 1};
	snprintf(w.url, sizeof(w.url), "https://example.org/fuzz");
	snprintf(w.secret, sizeof(w.secret), "whsec_fuzz");
	snprintf(w.created, sizeof(w.created), "2023-01-01T00:00:00Z");
	if (cn_store_begin(cn_app_store(app), &err) ||
	    cn_store_webhook_add(cn_app_store(app), &w, &id, &err) ||
	    cn_store_commit(cn_app_store(app), &err))
		die("webhook", &err);
	cn_app_close(app);
}

/* The web page: an index with its compressed variants, and an asset. */
static void build_web(void)
{
	char assets[256];
	snprintf(F.web, sizeof(F.web), "%s/web", F.dir);
	snprintf(assets, sizeof(assets), "%s/assets", F.web);
	if (mkdir(F.web, 0700) || mkdir(assets, 0700))
		die(F.web, NULL);
	write_file(F.web, "index.html", "<!doctype html><title>council</title>\n");
	write_file(F.web, "index.html.gz", "gz\n");
	write_file(F.web, "index.html.br", "br\n");
	write_file(F.web, "favicon.ico", "ico\n");
	write_file(assets, "app-0123abcd.js", "export {};\n");
	write_file(assets, "app-0123abcd.js.br", "br\n");
}

/* Start the server's state on a fresh copy of the pristine store, as
 * cn_serve does (serve.c), without its HTTP layer. */
static void start(void)
{
	struct cn_err err = {0};
	struct cn_app *app;
	char side[256];

	for (const char *s = "-wal\0-shm\0"; *s; s += strlen(s) + 1) {
		snprintf(side, sizeof(side), "%s%s", F.db, s);
		unlink(side);
	}
	copy_file(F.pristine, F.db);
	copy_file(F.pristine_key, F.key);
	if (cn_app_open(F.db, 0, &app, &err))
		die("open", &err);
	if (writer_start(app, &F.api.writer, &err))
		die("writer", &err);
	/* Sessions as serve's defaults; the sign-in throttles afresh, with
	 * the store (session.h). */
	F.api.session_idle = SESSION_IDLE_DEFAULT;
	F.api.session_max = SESSION_MAX_DEFAULT;
	throttle_free(F.api.signin_name);
	throttle_free(F.api.signin_addr);
	F.api.signin_name = throttle_new(SIGNIN_FAILS_NAME, SIGNIN_WINDOW);
	F.api.signin_addr = throttle_new(SIGNIN_FAILS_ADDR, SIGNIN_WINDOW);
	if (!F.api.signin_name || !F.api.signin_addr)
		die("throttle", NULL);
	if (cn_reader_open(F.db, &F.watch, &err))
		die("reader", &err);
	F.writes = 0;
}

static void stop(void)
{
	writer_stop(F.api.writer);
	writer_free(F.api.writer);
	F.api.writer = NULL;
	/* This thread's reader and caches are of the old file. */
	cache_free(pthread_getspecific(F.api.cache_key));
	pthread_setspecific(F.api.cache_key, NULL);
	cn_reader_close(F.watch);
	F.watch = NULL;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void cleanup(void)
{
	if (F.api.writer)
		stop();
	remove_tree(F.dir);
}

/* The stores of runs that crashed (fuzz_http.PID.XXXXXX, PID gone). */
static void remove_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	char path[512];
	long pid;

	while (d && (e = readdir(d)))
		if (sscanf(e->d_name, "fuzz_http.%ld.", &pid) == 1 && pid > 0 &&
		    kill((pid_t)pid, 0) && errno == ESRCH) {
			snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
			remove_tree(path);
		}
	if (d)
		closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
			   : getenv("TMPDIR")               ? getenv("TMPDIR")
							    : "/tmp";
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	read_api_yaml(CN_DATADIR "/../docs/api.yaml");
	remove_stale(base);
	snprintf(F.dir, sizeof(F.dir), "%s/fuzz_http.%ld.XXXXXX", base,
		 (long)getpid());
	if (!mkdtemp(F.dir))
		die(F.dir, NULL);
	snprintf(F.db, sizeof(F.db), "%s/council.db", F.dir);
	snprintf(F.key, sizeof(F.key), "%s.key", F.db);
	snprintf(F.pristine, sizeof(F.pristine), "%s/pristine.db", F.dir);
	snprintf(F.pristine_key, sizeof(F.pristine_key), "%s.key", F.pristine);
	atexit(cleanup);
	F.trace = getenv("FUZZ_HTTP_TRACE") && !strcmp(getenv("FUZZ_HTTP_TRACE"), "1");
	build_pristine();
	build_web();
	snprintf(F.api.db, sizeof(F.api.db), "%s", F.db);
	snprintf(F.api.web, sizeof(F.api.web), "%s", F.web);
	pthread_key_create(&F.api.cache_key, cache_free);
	start();
	return 0;
}

/* ---- the properties --------------------------------------------------- */

static uint64_t log_size(void)
{
	struct cn_err err = {0};
	unsigned moved;
	uint64_t n;

	if (cn_reader_refresh(F.watch, &moved, &err) ||
	    cn_reader_tree_size(F.watch, &n, &err))
		die("log size", &err);
	return n;
}

static int only_clock(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	(void)ctx;
	(void)err;
	if (strcmp(ev->actor, "clock")) {
		fprintf(stderr, "fuzz_http: event %lld (%s, by %s) appended by a "
				"request that changes nothing\n",
			(long long)ev->seq, ev->type, ev->actor);
		abort();
	}
	return 0;
}

/* The error code each error status carries (reply.c, api.yaml). */
static const struct {
	int status;
	const char *codes[3];
} error_codes[] = {
	{400, {"invalid", "malformed-json", NULL}},
	{401, {"unauthorized", NULL}},
	{403, {"forbidden", NULL}},
	{404, {"not-found", NULL}},
	{405, {"method-not-allowed", NULL}},
	{409, {"refused", "concluded", NULL}},
	{415, {"unsupported-media-type", NULL}},
};

static _Noreturn void fail(const struct fuzz_req *fr,
			   const struct http_response *res, const char *why)
{
	fprintf(stderr, "fuzz_http: %s %s -> %d: %s\n  body: %.*s\n",
		fr->req.method, fr->req.path, res->status, why,
		res->body ? (int)(res->len > 600 ? 600 : res->len) : 0,
		res->body ? res->body : "");
	abort();
}

static void check_error(const struct fuzz_req *fr, const struct http_response *res,
			json_t *doc)
{
	json_t *e = json_object_get(doc, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (json_object_size(doc) != 1 || json_object_size(e) != 2 || !code ||
	    !msg || !msg[0])
		fail(fr, res, "an error must be {\"error\": {\"code\", \"message\"}}");
	for (size_t i = 0; i < sizeof(error_codes) / sizeof(error_codes[0]); i++) {
		if (error_codes[i].status != res->status)
			continue;
		for (int k = 0; error_codes[i].codes[k]; k++)
			if (!strcmp(code, error_codes[i].codes[k]))
				return;
		fail(fr, res, "the error code is not its status's");
	}
	fail(fr, res, "an error status the API never answers here");
}

/* The statuses the documentation allows for this method and path; 0 when
 * the path is not the API's. */
static int documented(const struct fuzz_req *fr, int status)
{
	int path_known = 0;
	for (int i = 0; i < nops; i++) {
		if (!route_matches(ops[i].pattern, fr->req.path))
			continue;
		path_known = 1;
		if (strcmp(ops[i].method, fr->req.method))
			continue;
		if (status == 400 || status == 405)
			return 1; /* any route may (api.yaml's header) */
		for (int k = 0; k < ops[i].nstatus; k++)
			if (ops[i].status[k] == status)
				return 1;
		return -1;
	}
	return path_known ? (status == 405 ? 1 : -1) : 0;
}

static int has_positions(json_t *view)
{
	return json_object_get(view, "positions") != NULL;
}

/* A public or partner reader sees proposals redacted (access.h). */
static void check_sight(const struct fuzz_req *fr, const struct http_response *res,
			json_t *doc)
{
	const char *tok = fr->req.authorization;
	size_t i;
	json_t *v;

	if (tok) {
		/* As auth.c reads it: the scheme, spaces, the token. */
		if (strncasecmp(tok, "Bearer ", 7))
			return;
		for (tok += 7; *tok == ' '; tok++)
			;
		for (i = 0; i < NPRINCIPALS; i++)
			if (!strcmp(tok, principals[i].token))
				break;
		if (i == NPRINCIPALS || strcmp(principals[i].role, "partner"))
			return;
	}
	if (!strncmp(fr->req.path, "/api/v1/proposals/", 18) &&
	    !strchr(fr->req.path + 18, '/') && has_positions(doc))
		fail(fr, res, "a redacted view shows positions");
	if (!strcmp(fr->req.path, "/api/v1/proposals"))
		json_array_foreach(json_object_get(doc, "proposals"), i, v)
			if (has_positions(v))
				fail(fr, res, "a redacted list shows positions");
}

/* A stream's text: Server-Sent Events as api_stream.c writes them. */
static void check_sse(const struct fuzz_req *fr, const struct http_response *res)
{
	char *text = fr->sse ? strdup(fr->sse) : NULL, *save = NULL;
	long long last = -1, id = -1;
	const char *event = NULL;
	int first = 1;

	if (!text || strncmp(text, "retry: ", 7))
		fail(fr, res, "a stream that does not start with retry:");
	/* Whole messages only: the reading stopped at a bound, maybe in one. */
	char *end = strstr(text, "\n\n"), *p;
	if (!end)
		fail(fr, res, "a stream's first message is not whole");
	while ((p = strstr(end + 2, "\n\n")))
		end = p;
	end[2] = '\0';
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *e;
		if (first) {
			first = 0;
			continue;
		}
		if (!strcmp(l, ": keep-alive"))
			continue;
		if (!strncmp(l, "id: ", 4)) {
			id = strtoll(l + 4, NULL, 10);
			if (id <= last)
				fail(fr, res, "a stream's ids do not rise");
			last = id;
		} else if (!strncmp(l, "event: ", 7))
			event = l + 7;
		else if (!strncmp(l, "data: ", 6)) {
			if (!(e = json_loads(l + 6, 0, &je)) || !json_is_object(e) ||
			    json_integer_value(json_object_get(e, "seq")) != id ||
			    !event || strcmp(event, json_string_value(json_object_get(e, "type")) ?
					    json_string_value(json_object_get(e, "type")) : ""))
				fail(fr, res, "a stream's data is not its event");
			json_decref(e);
			event = NULL;
		} else
			fail(fr, res, "a stream line that is not Server-Sent Events");
	}
	free(text);
}

static void check(const struct fuzz_req *fr, const struct http_response *res,
		  uint64_t before)
{
	int doc_ok = documented(fr, res->status);
	int write = !strcmp(fr->req.method, "POST") && res->status >= 200 &&
		    res->status < 300;
	uint64_t after;
	json_error_t je;
	json_t *doc;

	if (res->status == 500 || res->status == 503)
		fail(fr, res, "a request answered as a failure of the server");
	if (doc_ok < 0)
		fail(fr, res, "a status docs/api.yaml does not give this route");
	if (doc_ok == 0 && res->status != 404 &&
	    !((res->status == 200 || res->status == 304) &&
	      (!strcmp(fr->req.method, "GET") || !strcmp(fr->req.method, "HEAD"))))
		fail(fr, res, "not the API's, nor a file of the page");
	if (res->status == 405 && !res->allow)
		fail(fr, res, "405 without Allow");
	/* Every accepted write changes the store, the log or not (a feed
	 * key, a webhook): the next input must meet the pristine store. */
	if (write)
		F.writes++;
	if ((after = log_size()) != before) {
		struct cn_err err = {0};
		if (after < before)
			fail(fr, res, "the log shrank");
		if (!write && cn_reader_scan(F.watch, (int64_t)before + 1, only_clock, NULL,
					&err))
			die("scan", &err);
	}
	if (doc_ok == 0 && res->status != 404)
		return; /* a file of the page: not JSON */
	/* The calendar feed is iCalendar, for its key's holder alone. */
	if (!strcmp(fr->req.path, "/api/v1/calendar.ics") &&
	    (res->status == 200 || res->status == 304)) {
		if (res->status == 200 &&
		    (!res->content_type ||
		     strcmp(res->content_type, "text/calendar; charset=utf-8") ||
		     !res->cache_control || !strstr(res->cache_control, "private")))
			fail(fr, res, "a feed not sent as a private text/calendar");
		return;
	}
	if (fr->streamed) {
		if (res->status != 200 || !res->content_type ||
		    strcmp(res->content_type, "text/event-stream"))
			fail(fr, res, "a stream that is not 200 text/event-stream");
		check_sse(fr, res);
		return;
	}
	if (res->content_type && strcmp(res->content_type, "application/json"))
		fail(fr, res, "an API answer that is not application/json");
	if (doc_ok > 0 && (fr->req.authorization || strcmp(fr->req.method, "GET")) &&
	    res->cache_control)
		fail(fr, res, "an answer for a token or a write may be cached");
	if (!res->body ||
	    !(doc = json_loadb(res->body, res->len, JSON_DECODE_ANY, &je)))
		fail(fr, res, "the body is not valid UTF-8 JSON");
	if (res->status >= 400)
		check_error(fr, res, doc);
	else if (res->status == 200 && !strcmp(fr->req.method, "GET"))
		check_sight(fr, res, doc);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_req fr;
	struct http_response res = {0};
	char *text, *body;
	uint64_t before;

	if (decode(data, size, &fr, &text, &body) == 0) {
		before = log_size();
		cn_api_handle(&F.api, &fr.req, &res);
		if (F.trace)
			fprintf(stderr, "%s %s -> %d %.*s\n", fr.req.method,
				fr.req.path, res.status,
				res.body ? (int)(res.len > 300 ? 300 : res.len) : 0,
				res.body ? res.body : "");
		check(&fr, &res, before);
		free(res.body);
		free(fr.sse);
	}
	free(text);
	free(body);
	if (F.writes >= REBUILD_EVERY) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		stop();
		start();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (F.trace)
			fprintf(stderr, "store rebuilt in %.1f ms\n",
				(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
					(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	return 0;
}
