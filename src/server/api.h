/*
 * api.h - the route table of the HTTP API, exposed so that `council routes`
 * can print exactly what the server serves (checked against docs/api.yaml
 * by the tests).
 */
#ifndef CN_API_H
#define CN_API_H

#include "server.h"

struct ctx;

struct cn_route {
	const char *method;
	const char *pattern;  /* "/api/v1/proposals/{id}" */
	void (*fn)(struct ctx *x);
};

extern const struct cn_route cn_routes[];

#endif
