/* json_alloc.c - jansson's allocator recording failed allocations per
 * thread; see json_alloc.h. */
#include "json_alloc.h"

#include <stdlib.h>

/* This thread's record: an allocation of jansson's failed since the last
 * cn_json_begin; and whether a judged call is running, during which
 * that failure is sticky. */
static _Thread_local int failed, judging;

static void *recording_malloc(size_t n)
{
	void *p;

	/* jansson cannot build on what it failed to allocate */
	if (failed && judging)
		return NULL;
	if (!(p = malloc(n)))
		failed = 1;
	return p;
}

void cn_json_alloc_install(void)
{
	json_set_alloc_funcs(recording_malloc, free);
}

void cn_json_begin(void)
{
	failed = 0;
	judging = 1;
}

int cn_json_oom(const json_error_t *je)
{
	judging = 0;
	return failed ||
	       (je && json_error_code(je) == json_error_out_of_memory);
}

json_t *cn_json_parsed(json_t *v, const json_error_t *je, int *oom)
{
	if ((*oom = cn_json_oom(v ? NULL : je))) {
		json_decref(v);
		return NULL;
	}
	return v;
}

json_t *cn_json_loadb(const char *buf, size_t len, size_t flags,
		      json_error_t *je, int *oom)
{
	cn_json_begin();
	return cn_json_parsed(json_loadb(buf, len, flags, je), je, oom);
}
