/* json_alloc.c - jansson's allocator recording failed allocations per
 * thread; see json_alloc.h. */
#include "json_alloc.h"

#include <stdlib.h>

/* Set when an allocation of jansson's failed in this thread since the
 * last cn_json_alloc_reset. */
static _Thread_local int failed;

static void *recording_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		failed = 1;
	return p;
}

void cn_json_alloc_install(void)
{
	json_set_alloc_funcs(recording_malloc, free);
}

void cn_json_alloc_reset(void)
{
	failed = 0;
}

int cn_json_oom(const json_error_t *je)
{
	return failed ||
	       (je && json_error_code(je) == json_error_out_of_memory);
}

json_t *cn_json_parsed(json_t *v, const json_error_t *je, int *oom)
{
	*oom = failed || (!v && je && json_error_code(je) ==
					      json_error_out_of_memory);
	if (*oom) {
		json_decref(v);
		return NULL;
	}
	return v;
}
