/* fuzz_scenario.c - libFuzzer target for scenario files and datasets: the
 * input, as an in-memory file (memfd, /proc/self/fd/N), is (1) replayed on
 * an in-memory store seeded with the NATO dataset and (2), when it is a
 * JSON object, loaded as a dataset into an empty in-memory store.
 *
 * Properties: nothing crashes or leaks; a failed replay changes nothing
 * (the world's place in the log is where it was) and, when it ran steps
 * (a transaction was opened and rolled back), the store still verifies;
 * a successful replay or seed leaves a store that verifies; errors carry
 * a known code, err->code equal to it, and a message.
 *
 * Speed (issue 10: this target ran at 7 inputs a second): the seeded store
 * is kept across inputs and rebuilt only after a replay that committed
 * (so every input starts from the same state), and the full verification,
 * a replay of the whole log, runs only when the store may have changed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "app/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cn_app *seeded;

static void check_error(int rc, const struct cn_err *err)
{
	if (rc != CN_EINVAL && rc != CN_ENOTFOUND && rc != CN_EREFUSED &&
	    rc != CN_ECONCLUDED && rc != CN_ENOMEM)
		abort();
	if (err->code != rc || !err->msg[0])
		abort();
}

static void verify(struct cn_app *app)
{
	struct cn_err err = {0};
	int64_t n, ncp;

	if (cn_app_verify(app, NULL, &n, &ncp, &err))
		abort();
}

static struct cn_app *seed_nato(void)
{
	struct cn_err err = {0};
	struct cn_app *app;

	if (cn_app_open(NULL, CN_STORE_MEMORY, &app, &err) ||
	    cn_app_seed(app, CN_DATADIR "/nato.json", 0, &err))
		abort();
	return app;
}

static void replay(const char *path)
{
	struct cn_err err = {0};
	const struct cn_world *w = cn_app_world(seeded);
	int64_t seq = w->last_seq;
	uint8_t hash[sizeof(w->last_hash)];
	json_t *report = NULL;
	int rc;

	memcpy(hash, w->last_hash, sizeof(hash));
	rc = cn_app_replay(seeded, path, &report, &err);
	w = cn_app_world(seeded);
	if (rc == 0) {
		verify(seeded);
		cn_app_close(seeded);
		seeded = seed_nato();
	} else {
		check_error(rc, &err);
		if (w->last_seq != seq || memcmp(w->last_hash, hash, sizeof(hash)))
			abort();
		if (json_array_size(json_object_get(report, "steps")))
			verify(seeded);
	}
	json_decref(report);
}

static void seed(const char *path, const uint8_t *data, size_t size)
{
	struct cn_err err = {0};
	struct cn_app *app;
	json_t *root = json_loadb((const char *)data, size, 0, NULL);
	int rc, is_object = json_is_object(root);

	json_decref(root);
	if (!is_object)
		return; /* json_load_file's refusal is jansson's, not ours */
	if (cn_app_open(NULL, CN_STORE_MEMORY, &app, &err))
		abort();
	rc = cn_app_seed(app, path, 0, &err);
	if (rc)
		check_error(rc, &err);
	verify(app);
	cn_app_close(app);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("scenario", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!seeded) {
		if (sodium_init() < 0)
			abort();
		seeded = seed_nato();
	}
	replay(path);
	seed(path, data, size);
	close(fd);
	return 0;
}
