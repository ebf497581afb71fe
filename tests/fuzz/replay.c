/*
 * replay.c - a fuzz target run without libFuzzer: each input named on the
 * command line (a file, or every file under a directory, in name order,
 * as libFuzzer reads a corpus) goes once through the target's
 * LLVMFuzzerTestOneInput.
 *
 * `make check` links every tests/fuzz/fuzz_*.c with this file in its own
 * gcc build (ASan + UBSan, the build every other test runs), as
 * build-check/replay_NAME, and runs it over the target's seeds: each
 * target is compiled and its properties hold on every seed, at no cost
 * of a second compiler's build of the whole library.  Searching for new
 * inputs is the campaign's work (`make fuzz`: clang, libFuzzer).
 *
 * What libFuzzer does that a target relies on, this does too: it calls
 * LLVMFuzzerInitialize first when the target has one (fuzz_http builds
 * its store there), and it writes "Running: PATH" on stderr before each
 * input, the line tests/fuzz/run.sh pairs with fuzz_http's trace.  A
 * finding is the sanitizers' (ASan stops the process; UBSan with
 * halt_on_error=1, which tests/fuzz/run.sh sets unless told otherwise)
 * or the target's own abort(); leaks are LeakSanitizer's, at exit, over
 * all the inputs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Reads PATH whole and runs it; 0, or -1 after saying why it could not.
 * libFuzzer hands over a buffer of exactly the input's size, so a read
 * past its end is a finding: so does this. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf = NULL;
	size_t len;
	int rc = -1;

	if (!f || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
	} else if (!(buf = malloc((len = (size_t)st.st_size) ? len : 1))) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
	} else if (fread(buf, 1, len, f) != len) {
		fprintf(stderr, "replay: %s: %s\n", path,
			ferror(f) ? strerror(errno) : "shorter than its size");
	} else {
		fprintf(stderr, "Running: %s\n", path);
		LLVMFuzzerTestOneInput(buf, len);
		rc = 0;
	}
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path);

/* Runs everything under directory DIR, in name order. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));
			if (!more) {
				rc = -1;
				break;
			}
			names = more;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			rc = -1;
			break;
		}
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (rc)
		fprintf(stderr, "replay: %s: out of memory\n", dir);
	else if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (!rc)
			rc = run_path(names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* A file, or a directory's files. */
static int run_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return S_ISDIR(st.st_mode) ? run_dir(path) : run_file(path);
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s INPUT_OR_DIRECTORY...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc && !rc; i++)
		rc = run_path(argv[i]);
	return rc ? 1 : 0;
}
