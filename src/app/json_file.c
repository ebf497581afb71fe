/* json_file.c - reading a JSON file the user names; see json_file.h. */
#include "json_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/json_alloc.h"

json_t *cn_json_file_load(const char *path, const char *what,
			  struct cn_err *err)
{
	json_error_t je;
	json_t *root;
	FILE *f;
	int oom = 0;

	/* Opened here, not by jansson, so that a missing or unreadable file
	 * is told with errno's reason rather than as a syntax error. */
	if (!(f = fopen(path, "rb"))) {
		cn_err_set(err, CN_EIO, "%s: cannot read the %s: %s", path, what,
			   strerror(errno));
		return NULL;
	}
	cn_json_begin();
	root = cn_json_parsed(json_loadf(f, JSON_REJECT_DUPLICATES, &je), &je,
			      &oom);
	fclose(f);
	if (root)
		return root;
	/* jansson names every syntax error, and may name a failed allocation
	 * as one (core/json_alloc.h); no message means it could not allocate
	 * before it began. */
	if (oom || !je.text[0])
		cn_err_set(err, CN_ENOMEM, "%s: out of memory reading the %s",
			   path, what);
	else
		cn_err_set(err, CN_EINVAL, "%s: line %d, column %d: %s", path,
			   je.line, je.column, je.text);
	return NULL;
}
