/* fuzz_export.c - libFuzzer target for the verifier of exported logs
 * (`council verify --export`, cn_verify_export in
 * src/app/export_verify.c): its line readers (src/app/export_lines.c:
 * header, events on the fast raw path and decoded, checkpoint lines on
 * the fast path and jansson's) and everything it folds and checks behind
 * it.
 *
 * The input is the file, handed over as /proc/self/fd/N of an in-memory
 * file (memfd), so no disk is touched.  It is verified trusting the key
 * its header names, and given that key explicitly (as `--log-key` does; a
 * fixed key when the header names none).  And each of the verifier's three
 * ways of reading gets it: the memfd is a regular file, mapped whole; the
 * fuzzer's own buffer of the input's exact size, read in place
 * (cn_verify_export_bytes), where ASan sees a read past the end that a
 * mapping's last page would hide; and a pipe, read through stdio.
 * Properties:
 *  - the result is 0 or CN_EINVAL, CN_ECORRUPT or CN_ENOMEM, err->code
 *    equals it and the message is not empty;
 *  - on success there are events exactly when there are checkpoints
 *    (every event must be under one; a header alone verifies as the
 *    empty log);
 *  - a file that verifies trusting its header verifies, with the same
 *    counts, when given the header's key;
 *  - the three ways of reading give the same result and counts (the
 *    buffer, named as the memfd is, the same message too);
 *  - nothing crashes or leaks (ASan, LeakSanitizer). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "app/export.h"

/* Any well-formed key, for a header that names none. */
#define OTHER_VKEY "other+c6cc89ca+AYBw3dLqTzFDhPuqrcK03tPKnnRBSUaYok/XdmgXnI6I"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* rc, checked; err's message kept in `msg` when given. */
static int checked(int rc, const struct cn_err *err, char *msg)
{
	if (msg)
		snprintf(msg, sizeof(err->msg), "%s", rc ? err->msg : "");
	if (rc == 0)
		return 0;
	if ((rc != CN_EINVAL && rc != CN_ECORRUPT && rc != CN_ENOMEM) ||
	    err->code != rc || !err->msg[0])
		abort();
	return rc;
}

static int verify(const char *path, const char *vkey,
		  struct cn_export_stats *st, char *msg)
{
	struct cn_err err = {0};

	return checked(cn_verify_export(path, vkey, st, &err), &err, msg);
}

/* The input through a pipe (stdio's way); -1 when it is larger than a
 * pipe holds without a reader. */
static int verify_piped(const uint8_t *data, size_t size,
			struct cn_export_stats *st)
{
	char path[64];
	int p[2], rc;

	if (size > 60000)
		return -1;
	if (pipe(p) || (size && write(p[1], data, size) != (ssize_t)size))
		abort();
	close(p[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	rc = verify(path, NULL, st, NULL);
	close(p[0]);
	return rc;
}

/* The vkey the header (the first line) names, or OTHER_VKEY (new
 * reference to a string). */
static json_t *header_vkey(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	json_t *h = json_loadb((const char *)data, nl ? (size_t)(nl - data) : size,
			       0, NULL);
	json_t *v = json_incref(json_object_get(h, "vkey"));

	json_decref(h);
	if (json_is_string(v))
		return v;
	json_decref(v);
	return json_string(OTHER_VKEY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char ma[sizeof(((struct cn_err *)0)->msg)], mc[sizeof(ma)];
	struct cn_export_stats a, b, c;
	struct cn_err err = {0};
	char path[64];
	int fd = memfd_create("export", 0), ra, rb, rc;
	json_t *vkey = header_vkey(data, size);

	if (fd < 0 || !vkey || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ra = verify(path, NULL, &a, ma);
	rb = verify(path, json_string_value(vkey), &b, NULL);
	close(fd);
	json_decref(vkey);
	if (ra == 0 && (a.checkpoints == 0) != (a.events == 0))
		abort();
	if (ra == 0 && (rb != 0 || memcmp(&a, &b, sizeof(a))))
		abort();
	/* the same bytes in place, and through a pipe */
	rc = checked(cn_verify_export_bytes(path, (const char *)data, size,
					    NULL, &c, &err), &err, mc);
	if (rc != ra || memcmp(&a, &c, sizeof(a)) || strcmp(ma, mc))
		abort();
	if ((rc = verify_piped(data, size, &c)) != -1 &&
	    (rc != ra || memcmp(&a, &c, sizeof(a))))
		abort();
	return 0;
}
