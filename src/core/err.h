/*
 * err.h - status codes and the error record every fallible function fills.
 *
 * Convention (whole project): a fallible function returns 0 on success or a
 * negative CN_E* code, and when it fails it writes a human message naming
 * what was wrong and where into the caller's struct cn_err (which may be
 * NULL).  On success the struct is left untouched, so calls can be chained.
 * The struct is a plain value owned by the caller; it holds no pointers.
 */
#ifndef CN_ERR_H
#define CN_ERR_H

#include <stdarg.h>

enum {
	CN_OK = 0,
	CN_EINVAL = -1,     /* malformed input: bad date, bad JSON, bad rule */
	CN_ENOTFOUND = -2,  /* unknown member, body, proposal, office */
	CN_EREFUSED = -3,   /* well-formed but not allowed by the domain */
	CN_ECONCLUDED = -4, /* acting on a procedure that has concluded */
	CN_ECORRUPT = -5,   /* store or log fails verification */
	CN_EIO = -6,        /* operating system or SQLite failure */
	CN_ENOMEM = -7,
	CN_EUSAGE = -8,     /* command-line usage error (exit status 2) */
};

#define CN_ERR_MSG_MAX 512

struct cn_err {
	int code;
	char msg[CN_ERR_MSG_MAX];
};

#if defined(__GNUC__)
#define CN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CN_NODISCARD __attribute__((warn_unused_result))
#else
#define CN_PRINTF(a, b)
#define CN_NODISCARD
#endif

/* Record an error and return its code, so callers can write
 * `return cn_err_set(err, CN_EINVAL, "...")`.  err may be NULL. */
int cn_err_set(struct cn_err *err, int code, const char *fmt, ...)
	CN_PRINTF(3, 4);

/* Prefix an existing message with context ("data/nato.json: members[3]: ").
 * Returns err->code (or CN_EINVAL when err is NULL). */
int cn_err_prefix(struct cn_err *err, const char *fmt, ...) CN_PRINTF(2, 3);

/* Give an error already recorded a new code, keeping its message: a
 * payload that fails a parser's check is a corrupt log to the fold,
 * whatever the parser called it.  Returns code; err may be NULL. */
int cn_err_recode(struct cn_err *err, int code);

/* A short stable name for a code ("invalid", "not-found", ...). */
const char *cn_err_name(int code);

#endif
