/*
 * paths.c - where this `council` finds what ships with it (the datasets,
 * the web page) and which version it is.
 *
 * The only source file compiled twice, once per binary meson.build links
 * from the same objects:
 *   build/council      (not installed) the source tree's data/ and
 *                      web/dist, so `make run`, the tests and a binary
 *                      run from the build directory use what they were
 *                      built from;
 *   the installed one  (src/cli/install/meson.build) PREFIX/share/council
 *                      (-Dpkgdatadir), so an installed program never
 *                      reaches into the tree it was built in.
 * meson.build gives CN_DATADIR, CN_WEBDIR and CN_VERSION; $COUNCIL_DATADIR
 * and $COUNCIL_WEB override the directories at run time (a relocated
 * tree, a page of one's own).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

#ifndef CN_DATADIR
#error "meson.build defines CN_DATADIR, the directory of the datasets"
#endif
#ifndef CN_WEBDIR
#error "meson.build defines CN_WEBDIR, the directory of the web page"
#endif
#ifndef CN_VERSION
#error "meson.build defines CN_VERSION, the project's version"
#endif

const char cli_version[] = CN_VERSION;

/* An environment variable that is set and not empty, else fallback. */
static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

const char *cli_datadir(void)
{
	return env_or("COUNCIL_DATADIR", CN_DATADIR);
}

/* --web '' (and COUNCIL_WEB='') serve the API alone, so an empty
 * $COUNCIL_WEB is a value here, not an absence. */
const char *cli_webdir(void)
{
	const char *v = getenv("COUNCIL_WEB");
	return v ? v : CN_WEBDIR;
}

const char *cli_dataset(const char *dataset)
{
	/* One path per process: init and replay ask once. */
	static char path[4096];

	if (dataset)
		return dataset;
	if (getenv("COUNCIL_DATASET") && *getenv("COUNCIL_DATASET"))
		return getenv("COUNCIL_DATASET");
	snprintf(path, sizeof(path), "%s/nato.json", cli_datadir());
	return path;
}
