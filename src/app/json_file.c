/* json_file.c - reading a JSON file the user names; see json_file.h. */
#include "json_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

json_t *cn_json_file_load(const char *path, const char *what,
			  struct cn_err *err)
{
	json_error_t je;
	json_t *root;
	FILE *f;

	/* Opened here, not by jansson, so that a missing or unreadable file
	 * is told with errno's reason rather than as a syntax error. */
	if (!(f = fopen(path, "rb"))) {
		cn_err_set(err, CN_EIO, "%s: cannot read the %s: %s", path, what,
			   strerror(errno));
		return NULL;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (root)
		return root;
	/* jansson names every syntax error; no message means it could not
	 * allocate before it began. */
	if (json_error_code(&je) == json_error_out_of_memory || !je.text[0])
		cn_err_set(err, CN_ENOMEM, "%s: out of memory", path);
	else
		cn_err_set(err, CN_EINVAL, "%s: line %d, column %d: %s", path,
			   je.line, je.column, je.text);
	return NULL;
}
