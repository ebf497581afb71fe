/* hooks.c - webhook deliveries; see hooks.h (and remind.h, the
 * reminders queued in each round).
 *
 * The thread wakes at each commit of this server's writer (hooks_wake),
 * and at least every HOOKS_POLL_MS for what others committed and for
 * retries that fell due.  It reads with its own thread's cache (cache.h),
 * as an HTTP thread does, and writes only through the writer: each step's
 * rows are one store job, so a notice is queued with its cursor's move,
 * and an attempt is recorded with the notice's new state, or not at all. */
#include "hooks.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../core/hook.h"
#include "access.h"
#include "cache.h"
#include "curl_lib.h"
#include "handlers.h"
#include "mail.h"
#include "remind.h"
#include "writer.h"

struct hooks {
	struct cn_api *api;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop, woken;
	CURLM *multi;
	struct remind_memo *memo; /* the thread's (remind.h) */
};

static int64_t wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* ---- the live webhooks ----------------------------------------------------- */

struct hook_vec {
	struct cn_webhook *v;
	size_t n;
};

static int add_hook(void *ctx, const struct cn_webhook *w, struct cn_err *err)
{
	struct hook_vec *hv = ctx;
	struct cn_webhook *nv = realloc(hv->v, (hv->n + 1) * sizeof(*nv));

	if (!nv)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	hv->v = nv;
	hv->v[hv->n++] = *w;
	return 0;
}

static const struct cn_webhook *find_hook(const struct hook_vec *hv, int64_t id)
{
	for (size_t i = 0; i < hv->n; i++)
		if (hv->v[i].id == id)
			return &hv->v[i];
	return NULL;
}

/* A store job run to durability on the writer; its result code. */
int hooks_run_job(struct hooks *h, writer_store_fn fn, void *args,
		  struct cn_err *err)
{
	struct writer_job job = {.store_fn = fn, .store_args = args,
				 .actor = "", .proposal = -1};

	writer_submit(h->api->writer, &job);
	free(job.result);
	if (job.rc)
		*err = job.err;
	return job.rc;
}

/* ---- fill: the log into the outbox ----------------------------------------- */

struct queued {
	char *body;
	size_t len;
	char kind[64];
	char ref[24];
};

struct fill_job {
	const char *channel;
	int64_t hook, cursor;
	struct queued *q;
	size_t n;
};

static int fill_store(struct cn_store *st, int64_t now, void *args,
		      struct cn_err *err)
{
	struct fill_job *f = args;
	int rc;

	for (size_t i = 0; i < f->n; i++) {
		struct cn_notice it = {
			.channel = f->channel, .kind = f->q[i].kind,
			.ref = f->q[i].ref, .target = f->hook,
			.body = f->q[i].body, .len = f->q[i].len,
			.created = now, .next_at = now,
		};
		if ((rc = cn_store_notice_add(st, &it, NULL, err)))
			return rc;
	}
	return cn_store_webhook_advance(st, f->hook, f->cursor, err);
}

int hooks_fillable(const struct cn_api *api, const struct cn_webhook *w)
{
	char addr[CN_MAIL_ADDR_MAX + 1], lang[3];
	struct cn_err err = {0};

	if (!cn_mail_is_uri(w->url))
		return 1;
	/* Without --smtp an e-mail subscription waits, its cursor kept; a
	 * row this server did not write (its URI unreadable) is skipped
	 * rather than stopping every other subscription's round. */
	return api->mail.url[0] && !cn_mail_uri_parse(w->url, addr, lang, &err);
}

const char *hooks_channel(const struct cn_webhook *w)
{
	return cn_mail_is_uri(w->url) ? MAIL_CHANNEL : HOOKS_CHANNEL;
}

int hooks_body(const struct cn_api *api, const struct cn_webhook *w,
	       const char *kind, const char *ref, int64_t now, char **body,
	       size_t *len, struct cn_err *err)
{
	char *msg;

	if (!cn_mail_is_uri(w->url))
		return 0;
	if (!(msg = mail_compose(&api->mail, w, kind, ref, *body, now, len,
				 err)))
		return err->code ? err->code
				 : cn_err_set(err, CN_ENOMEM, "out of memory");
	free(*body);
	*body = msg;
	return 0;
}

/* The owner's principal, as the webhook's row names it. */
void hooks_owner(const struct cn_webhook *w, struct cn_principal *who)
{
	memset(who, 0, sizeof(*who));
	who->token_id = w->owner;
	snprintf(who->code, sizeof(who->code), "%.7s", w->principal);
	who->role = !strcmp(w->role, "secretariat") ? CN_ROLE_SECRETARIAT
		    : !strcmp(w->role, "member")    ? CN_ROLE_MEMBER
						    : CN_ROLE_PARTNER;
}

/* Queue one page of w's events after its cursor; *more when there are
 * more visible ones after the page. */
static int fill_one(struct hooks *h, struct ctx *x, struct cn_store *st,
		    const struct cn_webhook *w, int *more, struct cn_err *err)
{
	struct fill_job f = {.hook = w->id, .channel = hooks_channel(w)};
	json_t *events, *e;
	int64_t next = 0;
	uint64_t upto;
	size_t i;
	int rc;

	*more = 0;
	if (!hooks_fillable(h->api, w))
		return 0;
	hooks_owner(w, &x->who);
	if ((rc = record_size(x, &upto, err)) || (int64_t)upto <= w->cursor)
		return rc == CN_ENOTFOUND ? 0 : rc;
	if (!(events = json_array()))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if ((rc = log_page(x, st, w->cursor + 1, (int64_t)upto, HOOKS_PAGE,
			   events, &next, err))) {
		json_decref(events);
		return rc;
	}
	f.cursor = (int64_t)upto;
	if (!(f.q = calloc(json_array_size(events) + 1, sizeof(*f.q))))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	json_array_foreach(events, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		int64_t seq = json_integer_value(json_object_get(e, "seq"));

		if (rc)
			break;
		if (next)
			f.cursor = seq;
		if (!type || !cn_hook_types_match(w->types, type))
			continue;
		/* The body is the event exactly as GET /api/v1/log shows it
		 * to the owner (reply_json's form). */
		if (!(f.q[f.n].body = json_dumps(e, JSON_COMPACT))) {
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
			break;
		}
		f.q[f.n].len = strlen(f.q[f.n].body);
		snprintf(f.q[f.n].kind, sizeof(f.q[f.n].kind), "%s", type);
		snprintf(f.q[f.n].ref, sizeof(f.q[f.n].ref), "%lld",
			 (long long)seq);
		f.n++;
		if ((rc = hooks_body(h->api, w, type, f.q[f.n - 1].ref, x->now,
				     &f.q[f.n - 1].body, &f.q[f.n - 1].len,
				     err)))
			break;
	}
	json_decref(events);
	if (!rc)
		rc = hooks_run_job(h, fill_store, &f, err);
	for (i = 0; f.q && i < f.n; i++)
		free(f.q[i].body);
	free(f.q);
	*more = rc == 0 && next != 0;
	return rc;
}

/* ---- deliver: the outbox to the receivers ---------------------------------- */

struct send {
	int64_t item, target, attempts;
	char *body;
	size_t len;
	char kind[64];
	const struct cn_webhook *hook; /* NULL: revoked meanwhile */
	int allow_local;
	const char *refused;           /* the address was local */
	const char *channel;
	struct mail_send mail;         /* an e-mail's submission */
	char to[CN_MAIL_ADDR_MAX + 1];
	CURL *easy;
	struct curl_slist *headers;
	long status;
	CURLcode result;
	char error[CURL_ERROR_SIZE];
};

struct claim_job {
	const char *channel;
	int64_t until;
	int64_t limit;   /* attempts before a notice is given up */
	struct send *s;
	size_t n;
};

static void sends_clear(struct claim_job *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->s[i].body);
		curl_slist_free_all(c->s[i].headers);
		mail_send_clear(&c->s[i].mail);
		if (c->s[i].easy)
			curl_easy_cleanup(c->s[i].easy);
	}
	c->n = 0;
}

static int claimed(void *ctx, const struct cn_notice *it, struct cn_err *err)
{
	struct claim_job *c = ctx;
	struct send *s = &c->s[c->n];

	if (c->n >= HOOKS_PARALLEL)
		return 0; /* the claim's LIMIT makes this unreachable */
	memset(s, 0, sizeof(*s));
	if (!(s->body = malloc(it->len + 1)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	memcpy(s->body, it->body, it->len);
	s->body[it->len] = '\0';
	s->len = it->len;
	s->item = it->id;
	s->target = it->target;
	s->attempts = it->attempts;
	s->channel = c->channel;
	snprintf(s->kind, sizeof(s->kind), "%s", it->kind);
	c->n++;
	return 0;
}

static int claim_store(struct cn_store *st, int64_t now, void *args,
		       struct cn_err *err)
{
	struct claim_job *c = args;

	/* A batch may run a job again (writer.h): start afresh. */
	sends_clear(c);
	return cn_store_notice_claim(st, c->channel, now,
				     now + HOOKS_CLAIM_SECONDS, HOOKS_PARALLEL,
				     claimed, c, err);
}

static int record_store(struct cn_store *st, int64_t now, void *args,
			struct cn_err *err)
{
	struct claim_job *c = args;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		struct send *s = &c->s[i];
		int mail = !strcmp(s->channel, MAIL_CHANNEL);
		/* SMTP's status is the server's last reply code (250 after
		 * the message); its CURLE_OK is the message taken. */
		int ok = s->hook && !s->refused && s->result == CURLE_OK &&
			 (mail || (s->status >= 200 && s->status < 300));
		struct cn_attempt a = {
			.item = s->item, .attempt = s->attempts + 1, .time = now,
			.status = (int)s->status, .state = "delivered",
		};
		if (!s->hook) {
			/* Logged as the attempt it would have been. */
			a.error = "not sent: the webhook or its token was revoked";
			a.state = "cancelled";
		} else if (!ok) {
			int64_t wait = cn_hook_backoff(a.attempt, c->limit,
						       randombytes_random());
			a.error = s->refused ? s->refused
				  : mail && s->mail.reply[0] && s->status >= 400
					  ? s->mail.reply
				  : s->result != CURLE_OK
					  ? (s->error[0] ? s->error
							 : curl_easy_strerror(s->result))
					  : "the receiver did not answer 2xx";
			/* An SMTP 5xx is permanent: another try gets it too. */
			if (mail && s->status >= 500 && s->status < 600)
				wait = 0;
			a.state = wait ? "pending" : "failed";
			a.next_at = wait ? now + wait : 0;
		}
		if ((rc = cn_store_notice_attempt(st, &a, err)))
			return rc;
	}
	return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* Refuse, unless allowed, a socket to a local address: the check is on
 * the address the name resolved to, so a public name that resolves to
 * 127.0.0.1 (or does so only later) is refused too. */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose,
				 struct curl_sockaddr *a)
{
	struct send *s = ctx;
	const char *why = NULL;
	(void)purpose;

	if (!s->allow_local) {
		if (a->family == AF_INET)
			why = cn_hook_addr_local(4, (const uint8_t *)&(
				(const struct sockaddr_in *)&a->addr)->sin_addr);
		else if (a->family == AF_INET6)
			why = cn_hook_addr_local(6, (const uint8_t *)&(
				(const struct sockaddr_in6 *)&a->addr)->sin6_addr);
		else
			why = "no IP address";
	}
	if (why) {
		s->refused = why;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static int add_header(struct send *s, const char *name, const char *v)
{
	char line[256];
	struct curl_slist *l;

	snprintf(line, sizeof(line), "%s%s", name, v);
	if (!(l = curl_slist_append(s->headers, line)))
		return -1;
	s->headers = l;
	return 0;
}

/* Make s's transfer: POST its body, signed now; or submit its message. */
static int prepare(const struct cn_api *api, struct send *s, int64_t now)
{
	char sig[CN_HOOK_SIG_LEN], id[24], lang[3];
	struct cn_err err = {0};

	if (!strcmp(s->channel, MAIL_CHANNEL)) {
		if (cn_mail_uri_parse(s->hook->url, s->to, lang, &err)) {
			s->refused = "not an e-mail subscription";
			return 0;
		}
		if (!(s->easy = curl_easy_init()) ||
		    mail_prepare(s->easy, &api->mail, s->to, s->body, s->len,
				 &s->mail))
			return -1;
		curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT,
				 (long)HOOKS_CONNECT_SECONDS);
		curl_easy_setopt(s->easy, CURLOPT_TIMEOUT,
				 (long)HOOKS_TOTAL_SECONDS);
		curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->error);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
		return 0;
	}

	snprintf(id, sizeof(id), "%lld", (long long)s->item);
	cn_hook_signature(s->hook->secret, now, s->body, s->len, sig);
	if (!(s->easy = curl_easy_init()) ||
	    add_header(s, "Content-Type: ", "application/json") ||
	    add_header(s, "User-Agent: ", "council-webhooks/1") ||
	    add_header(s, "Expect:", "") ||
	    add_header(s, "Council-Delivery: ", id) ||
	    add_header(s, "Council-Event: ", s->kind) ||
	    add_header(s, "Council-Signature: ", sig))
		return -1;
	curl_easy_setopt(s->easy, CURLOPT_URL, s->hook->url);
	curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->body);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->len);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT, (long)HOOKS_CONNECT_SECONDS);
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT, (long)HOOKS_TOTAL_SECONDS);
	curl_easy_setopt(s->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->error);
	curl_easy_setopt(s->easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(s->easy, CURLOPT_OPENSOCKETDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	return 0;
}

/* Send every prepared transfer of c at once; each ends on its own
 * bounds. */
static void send_all(struct hooks *h, struct claim_job *c)
{
	int running = 0, left;
	CURLMsg *m;

	for (size_t i = 0; i < c->n; i++)
		if (c->s[i].easy)
			curl_multi_add_handle(h->multi, c->s[i].easy);
	do {
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(h->multi, NULL, 0, 500, NULL) !=
				       CURLM_OK)
			break;
	} while (running);
	while ((m = curl_multi_info_read(h->multi, &left))) {
		struct send *s = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		s->result = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE,
				  &s->status);
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->s[i].easy)
			curl_multi_remove_handle(h->multi, c->s[i].easy);
}

/* Deliver what is due on channel: *again when more may be due at once. */
static int deliver(struct hooks *h, struct cn_store *st, const char *channel,
		   int *again, struct cn_err *err)
{
	struct send sends[HOOKS_PARALLEL];
	struct claim_job c = {.s = sends, .limit = h->api->webhook_attempts,
			      .channel = channel};
	struct hook_vec hv = {NULL, 0};
	int64_t at, now = wall_now();
	int rc;

	*again = 0;
	if ((rc = cn_store_notice_next(st, channel, &at, err)))
		return rc == CN_ENOTFOUND ? 0 : rc;
	if (at > now)
		return 0;
	if ((rc = hooks_run_job(h, claim_store, &c, err)) || c.n == 0) {
		sends_clear(&c);
		return rc;
	}
	/* The webhooks the claims are for, as they are now, each read by
	 * its id: one revoked since it was queued gets nothing more.  (At
	 * most HOOKS_PARALLEL reads, however many webhooks there are.) */
	for (size_t i = 0; i < c.n && !rc; i++)
		if (!find_hook(&hv, c.s[i].target))
			rc = cn_store_webhooks(st, 0, c.s[i].target, add_hook,
					       &hv, err);
	if (!rc) {
		now = wall_now();
		for (size_t i = 0; i < c.n; i++) {
			struct send *s = &c.s[i];
			s->allow_local = h->api->webhooks_allow_local;
			if ((s->hook = find_hook(&hv, s->target)) &&
			    prepare(h->api, s, now)) {
				rc = cn_err_set(err, CN_ENOMEM, "out of memory");
				break;
			}
		}
		if (!rc) {
			send_all(h, &c);
			rc = hooks_run_job(h, record_store, &c, err);
		}
	}
	free(hv.v);
	*again = rc == 0 && c.n == HOOKS_PARALLEL;
	sends_clear(&c);
	return rc;
}

/* ---- the thread ------------------------------------------------------------- */

/* One look: queue what the log added, deliver what is due.  *again when
 * there is more to do at once. */
static void round_once(struct hooks *h, int *again)
{
	struct cn_err err = {0};
	struct hook_vec hv = {NULL, 0};
	struct cn_store *st;
	struct ctx x;
	int more = 0, any = 0, rc = 0;

	*again = 0;
	memset(&x, 0, sizeof(x));
	x.api = h->api;
	x.now = wall_now();
	if (!(x.cache = cache_get(h->api, &err)) ||
	    !(st = cache_lists(x.cache, h->api, &err))) {
		rc = err.code;
		goto out;
	}
	x.rd = cache_reader(x.cache);
	x.reg = cn_reader_registry(x.rd);
	if ((rc = cn_store_webhooks(st, 0, 0, add_hook, &hv, &err)))
		goto out;
	for (size_t i = 0; i < hv.n && !rc; i++) {
		rc = fill_one(h, &x, st, &hv.v[i], &more, &err);
		any |= more;
	}
	/* Reminders are queued after the log's events, so a webhook's
	 * owner whose answer was just recorded is seen to have answered. */
	if (!rc)
		rc = remind_round(h, &h->memo, &x, st, hv.v, hv.n, &err);
	more = 0;
	if (!rc)
		rc = deliver(h, st, HOOKS_CHANNEL, &more, &err);
	any |= more;
	more = 0;
	if (!rc && h->api->mail.url[0])
		rc = deliver(h, st, MAIL_CHANNEL, &more, &err);
	*again = any || more;
out:
	pthread_mutex_lock(&h->mu);
	/* Stopping, the writer refuses the last job: nothing to report. */
	if (rc && !h->stop)
		fprintf(stderr, "council: webhooks: %s\n", err.msg);
	pthread_mutex_unlock(&h->mu);
	free(hv.v);
}

/* t + ms */
static struct timespec after_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	t.tv_sec += t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

static int reached(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void *run(void *arg)
{
	struct hooks *h = arg;
	struct timespec began, at;
	int again = 0;

	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		h->woken = 0;
		pthread_mutex_unlock(&h->mu);
		clock_gettime(CLOCK_MONOTONIC, &began);
		round_once(h, &again);
		pthread_mutex_lock(&h->mu);
		if (again)
			continue;
		/* The next round: HOOKS_POLL_MS after this one began, or
		 * HOOKS_COALESCE_MS after if a commit woke the thread.  A
		 * round costs its reads whatever it finds, and under a
		 * stream of writes a commit lands during every round: one
		 * round per commit would spend a store's round trips per
		 * write even with no webhook at all. */
		while (!h->stop) {
			at = after_ms(began, h->woken ? HOOKS_COALESCE_MS
						      : HOOKS_POLL_MS);
			if (reached(&at) ||
			    pthread_cond_timedwait(&h->wake, &h->mu, &at) ==
				    ETIMEDOUT)
				break;
		}
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

void hooks_wake(void *arg)
{
	struct hooks *h = arg;

	pthread_mutex_lock(&h->mu);
	h->woken = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->mu);
}

int hooks_start(struct cn_api *api, struct hooks **out, struct cn_err *err)
{
	struct hooks *h;
	pthread_condattr_t ca;
	int rc;

	/* Webhooks and e-mail go through libcurl, loaded here (curl_lib.h). */
	if ((rc = cn_libcurl_load(err)))
		return rc;
	if (!(h = calloc(1, sizeof(*h))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	h->api = api;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) ||
	    !(h->multi = curl_multi_init())) {
		free(h);
		return cn_err_set(err, CN_ENOMEM, "libcurl cannot start");
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			  (long)HOOKS_PARALLEL);
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&h->thread, NULL, run, h)) {
		curl_multi_cleanup(h->multi);
		free(h);
		return cn_err_set(err, CN_ENOMEM, "cannot start the webhooks' thread");
	}
	*out = h;
	return 0;
}

void hooks_stop(struct hooks *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	curl_multi_cleanup(h->multi);
	curl_global_cleanup();
	remind_memo_free(h->memo);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
