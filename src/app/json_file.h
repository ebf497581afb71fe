/*
 * json_file.h - reading a JSON file the user names (a dataset, a
 * scenario), with an error that says what went wrong in the user's terms:
 * a file that cannot be opened is named with the system's reason, never
 * with jansson's "line -1, column -1"; a syntax error with its line and
 * column; running out of memory as such.
 *
 * Ownership: the caller owns the returned reference (json_decref).
 */
#ifndef CN_JSON_FILE_H
#define CN_JSON_FILE_H

#include <jansson.h>

#include "../core/err.h"

/* The file's JSON (duplicate keys refused), or NULL with err set:
 * CN_EIO when it cannot be read, CN_EINVAL when it is not JSON, CN_ENOMEM.
 * `what` names the file's role in the message ("dataset", "scenario"). */
json_t *cn_json_file_load(const char *path, const char *what,
			  struct cn_err *err);

#endif
