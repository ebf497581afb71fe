/* dl.c - a shared library loaded when first needed; see dl.h. */
#include "dl.h"

#include <assert.h>
#include <dlfcn.h>
#include <string.h>

typedef void (*any_fn)(void);

static int load(struct cn_dl_lib *lib, struct cn_err *err)
{
	unsigned char *table = lib->table;
	void *h, *p;
	size_t i;

	/* The table is n function pointers, all of one size. */
	assert(lib->size == lib->n * sizeof(any_fn));
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		return cn_err_set(err, CN_EIO, "cannot load %s (%s): install "
				  "Debian's %s", lib->soname,
				  why ? why : "unknown reason", lib->package);
	}
	for (i = 0; i < lib->n; i++) {
		any_fn f;
		if (!(p = dlsym(h, lib->names[i]))) {
			memset(table, 0, lib->size);
			return cn_err_set(err, CN_EIO, "%s has no function %s, "
					  "which council needs: an older "
					  "version?", lib->soname,
					  lib->names[i]);
		}
		/* POSIX makes dlsym's void * a function pointer, and C has
		 * no cast that says so: the bytes are copied. */
		assert(sizeof(p) == sizeof(f));
		memcpy(&f, &p, sizeof(f));
		memcpy(table + i * sizeof(f), &f, sizeof(f));
	}
	return 0;
}

int cn_dl_load(struct cn_dl_lib *lib, struct cn_err *err)
{
	int rc;

	pthread_mutex_lock(&lib->mu);
	if (!lib->tried) {
		load(lib, &lib->outcome);
		lib->tried = 1;
	}
	rc = lib->outcome.code;
	pthread_mutex_unlock(&lib->mu);
	return rc ? cn_err_set(err, rc, "%s", lib->outcome.msg) : 0;
}
