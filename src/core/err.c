/* err.c - status codes and the error record: setting, prefixing and
 * re-coding a message; see err.h. */
#include "err.h"

#include <stdio.h>
#include <string.h>

int cn_err_set(struct cn_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int cn_err_prefix(struct cn_err *err, const char *fmt, ...)
{
	char prefix[CN_ERR_MSG_MAX];
	char old[CN_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return CN_EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Both parts fit in the buffer or the message is cut at its end:
	 * the start says where, which matters most. */
	size_t n = strnlen(prefix, sizeof(prefix) - 1);
	memcpy(err->msg, prefix, n);
	size_t room = sizeof(err->msg) - 1 - n;
	size_t m = strnlen(old, sizeof(old) - 1);
	if (m > room)
		m = room;
	memcpy(err->msg + n, old, m);
	err->msg[n + m] = '\0';
	return err->code;
}

int cn_err_recode(struct cn_err *err, int code)
{
	if (err)
		err->code = code;
	return code;
}

const char *cn_err_name(int code)
{
	switch (code) {
	case CN_OK: return "ok";
	case CN_EINVAL: return "invalid";
	case CN_ENOTFOUND: return "not-found";
	case CN_EREFUSED: return "refused";
	case CN_ECONCLUDED: return "concluded";
	case CN_ECORRUPT: return "corrupt";
	case CN_EIO: return "io";
	case CN_ENOMEM: return "no-memory";
	case CN_EUSAGE: return "usage";
	}
	return "unknown";
}
