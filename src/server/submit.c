/* submit.c - pending writes; see submit.h. */
#include "submit.h"

#include <stdio.h>
#include <stdlib.h>

#include "standby.h"

struct pending *pending_new(struct ctx *x, json_t *body)
{
	struct pending *p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(body);
		reply_error(x, 500, "internal", "out of memory");
		return NULL;
	}
	p->body = body;
	cn_principal_actor(&x->who, p->actor, sizeof(p->actor));
	snprintf(p->member, sizeof(p->member), "%s", x->who.code);
	p->token = x->who.token_id;
	p->standby = x->api->standby;
	return p;
}

/* Answer x from the job, and release p. */
static void pending_answer(struct pending *p, struct ctx *x)
{
	/* Before the answer leaves: the client's next read must show it
	 * (read-your-writes on a standby, standby.h). */
	if (p->job.rc == 0 && p->standby)
		standby_saw(p->standby, p->token, p->job.version);
	if (p->job.rc)
		reply_err(x, &p->job.err);
	else
		p->result(x, p);
	free(p->job.result);
	json_decref(p->body);
	free(p);
}

/* Called by the writer once the job is durable or refused. */
static void pending_done(struct writer_job *job, void *vp)
{
	struct pending *p = vp;
	struct http_response res = {0};
	struct ctx x = {.res = &res};
	struct http_deferred *d = p->d;
	(void)job;

	pending_answer(p, &x);
	http_complete(d, &res);
}

void pending_submit(struct ctx *x, struct pending *p, cn_command_fn fn,
		    int64_t proposal, pending_result_fn result)
{
	p->job.fn = fn;
	p->job.args = &p->a;
	p->job.actor = p->actor;
	p->job.proposal = proposal;
	p->result = result;
	/* The HTTP thread does not wait: the connection is suspended until
	 * the writer calls back.  Without a deferral (out of memory), wait. */
	if ((p->d = x->req->defer(x->req)) != NULL) {
		writer_submit_async(x->api->writer, &p->job, pending_done, p);
		return;
	}
	writer_submit(x->api->writer, &p->job);
	pending_answer(p, x);
}

void pending_submit_store(struct ctx *x, struct pending *p,
			  writer_store_fn fn, pending_result_fn result)
{
	p->job.store_fn = fn;
	p->job.store_args = &p->a;
	pending_submit(x, p, NULL, -1, result);
}

static void result_status(struct ctx *x, const struct pending *p, int status)
{
	if (!p->job.result) {
		reply_error(x, 500, "internal", "no result");
		return;
	}
	reply_bytes(x, p->job.result, p->job.result_len);
	x->res->status = status;
}

void result_view(struct ctx *x, const struct pending *p)
{
	result_status(x, p, 200);
}

void result_created(struct ctx *x, const struct pending *p)
{
	result_status(x, p, 201);
}
