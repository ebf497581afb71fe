/*
 * fsync_rate.c - the machine's single-client durable-write rate, the
 * physical ceiling of commits without batching: write 8 KiB and
 * fdatasync(), over and over, for N seconds, like pg_test_fsync's
 * "one 8kB write + fdatasync" line.  Prints ops/s.
 *
 * usage: fsync_rate DIR [SECONDS]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char path[4096], buf[8192];
	double secs = argc > 2 ? atof(argv[2]) : 3.0, t0, t;
	long n = 0;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: fsync_rate DIR [SECONDS]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/fsync_rate.tmp", argv[1]);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	/* Preallocate so the loop measures overwrites, as a WAL does. */
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fsync(fd)) {
		perror("write");
		return 1;
	}
	t0 = now();
	do {
		if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) ||
		    fdatasync(fd)) {
			perror("pwrite/fdatasync");
			return 1;
		}
		n++;
		t = now();
	} while (t - t0 < secs);
	close(fd);
	unlink(path);
	printf("%.0f\n", (double)n / (t - t0));
	return 0;
}
