/* fuzz_scenario.c - libFuzzer target for scenario files and datasets: the
 * input is written to a file and (1) replayed on an in-memory store seeded
 * with the NATO dataset, (2) loaded as a dataset into an empty store.
 * Nothing may crash, leak or corrupt the store: after each input the log
 * must still verify. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cn_app *seeded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/council-fuzz-XXXXXX";
	struct cn_err err;
	struct cn_app *app;
	json_t *report = NULL;
	int64_t n, ncp;
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (!seeded) {
		if (sodium_init() < 0 ||
		    cn_app_open(NULL, CN_STORE_MEMORY, &seeded, &err) ||
		    cn_app_seed(seeded, CN_DATADIR "/nato.json", 0, &err))
			abort();
	}
	(void)cn_app_replay(seeded, path, &report, &err);
	json_decref(report);
	if (cn_app_verify(seeded, NULL, &n, &ncp, &err))
		abort();
	if (cn_app_open(NULL, CN_STORE_MEMORY, &app, &err) == 0) {
		(void)cn_app_seed(app, path, 0, &err);
		if (cn_app_verify(app, NULL, &n, &ncp, &err))
			abort();
		cn_app_close(app);
	}
	unlink(path);
	return 0;
}
