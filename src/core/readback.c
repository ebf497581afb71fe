/*
 * readback.c - a sealed event read back before it is stored; see
 * readback.h.
 */
#include "readback.h"

#include <stdlib.h>
#include <string.h>

#include "json_alloc.h"

/* The name of the first payload field whose value does not survive the
 * canonical encoding and the decoder's parser into *field, or NULL; 0, or
 * CN_ENOMEM when memory ran out checking one (then no field is to blame:
 * one that failed for that reason may read back well).  Only asked once an
 * event failed to read back, to say which field it was. */
static int unreadable_field(const json_t *payload, const char **field)
{
	const char *key;
	json_t *v;

	*field = NULL;
	json_object_foreach((json_t *)payload, key, v) {
		struct cn_err ignore;
		char *text = NULL;
		size_t len;
		json_t *back = NULL;
		int rc = cn_canon_dump(v, &text, &len, &ignore), oom = 0;

		if (rc == 0)
			back = cn_json_loadb(text, len, JSON_DECODE_ANY |
					     JSON_REJECT_DUPLICATES, NULL, &oom);
		int same = back && json_equal(back, v);
		json_decref(back);
		free(text);
		if (rc == CN_ENOMEM || oom)
			return CN_ENOMEM;
		if (!same) {
			*field = key;
			return 0;
		}
	}
	return 0;
}

/* Nothing is appended that the reader cannot read back: decode the sealed
 * bytes with the decoder the store's reader uses, and check that they say
 * what was meant (sequence, time, actor, type, link, every payload field)
 * and carry the fields the fold requires.  A refusal (CN_EINVAL) names the
 * field when it can, else the event type. */
int cn_event_read_back(const struct cn_event *ev, struct cn_err *err)
{
	struct cn_event back;
	struct cn_err why = {0};
	const char *key, *field = NULL;
	json_t *v;
	int rc = cn_event_decode(ev->bytes, ev->len, &back, &why);

	if (rc == CN_ENOMEM)
		return cn_err_set(err, rc, "%s: reading the event back: %s",
				  ev->type, why.msg);
	if (rc && unreadable_field(ev->payload, &field) == CN_ENOMEM)
		return cn_err_set(err, CN_ENOMEM, "%s: out of memory finding "
				  "the field that would not read back (%s)",
				  ev->type, why.msg);
	if (rc) {
		return field ? cn_err_set(err, CN_EINVAL,
					  "%s: field '%s' would not read back from "
					  "the log (%s)", ev->type, field, why.msg)
			     : cn_err_set(err, CN_EINVAL,
					  "%s: the event would not read back from "
					  "the log (%s)", ev->type, why.msg);
	}
	if (back.seq != ev->seq)
		field = "seq";
	else if (back.time != ev->time)
		field = "time";
	else if (strcmp(back.actor, ev->actor))
		field = "actor";
	else if (strcmp(back.type, ev->type) || !back.et)
		field = "type";
	else if (memcmp(back.prev, ev->prev, CN_HASH_LEN))
		field = "prev";
	json_object_foreach(ev->payload, key, v)
		if (!field && !json_equal(v, json_object_get(back.payload, key)))
			field = key;
	if (!field && json_object_size(back.payload) != json_object_size(ev->payload))
		field = "payload";
	for (const char *const *f = back.et ? back.et->required : NULL; !field && f && *f; f++)
		if (!json_object_get(back.payload, *f)) {
			rc = cn_err_set(err, CN_EINVAL, "%s: field '%s' is required",
					ev->type, *f);
			cn_event_release(&back);
			return rc;
		}
	cn_event_release(&back);
	if (field)
		return cn_err_set(err, CN_EINVAL, "%s: field '%s' would not read back "
				  "from the log as written", ev->type, field);
	return 0;
}

