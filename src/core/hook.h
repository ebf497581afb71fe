/*
 * hook.h - the pure parts of webhook deliveries (server/hooks.c sends
 * them): the signature header a receiver checks, the retry schedule,
 * which addresses a delivery may not reach, and the event-type filter.
 *
 * The signature follows Stripe's scheme: the header
 *   Council-Signature: t=UNIX,v1=HEX
 * where HEX is HMAC-SHA256 under the webhook's secret (the whole secret
 * string, "whsec_..." included, as its bytes) of "UNIX" "." BODY: the
 * time is signed with the body, so a receiver that refuses a t older than
 * its tolerance refuses a replayed delivery (docs/WEBHOOKS.md).
 *
 * No I/O, no clock, no randomness: the caller passes the time and the
 * jitter.  Ownership: everything is written into the caller's buffers.
 */
#ifndef CN_HOOK_H
#define CN_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* "t=" 20 digits ",v1=" 64 hex digits, and the NUL. */
#define CN_HOOK_SIG_LEN 96
/* Attempts a notification gets before it is given up: the default, and
 * the bounds of `serve --webhook-attempts` (30 waits close to a day, the
 * last ones an hour each). */
#define CN_HOOK_ATTEMPTS 16
#define CN_HOOK_ATTEMPTS_MAX 30
/* The first retry's wait, and the most any wait may be (seconds). */
#define CN_HOOK_BACKOFF_BASE 1
#define CN_HOOK_BACKOFF_CAP 3600

/* The Council-Signature header's value for body at time t. */
void cn_hook_signature(const char *secret, int64_t t, const void *body,
		       size_t len, char out[CN_HOOK_SIG_LEN]);

/* The wait before the next attempt after `attempts` failed ones (>= 1):
 * the base doubled each time, capped, of which the first half is kept
 * and the second scaled by jitter/2^32 ("equal jitter": receivers that
 * failed together do not all come back at once, and no wait is shorter
 * than half its step).  0 when attempts reached `limit` (1 to
 * CN_HOOK_ATTEMPTS_MAX): give up. */
int64_t cn_hook_backoff(int64_t attempts, int64_t limit, uint32_t jitter);

/* Why an address must not be dialled without --webhooks-allow-local
 * (loopback, private, link-local, unspecified, multicast, carrier-grade
 * NAT, unique-local, IPv4-mapped forms of these), or NULL when it may.
 * addr: 4 bytes for family 4, 16 for family 6. */
const char *cn_hook_addr_local(int family, const uint8_t *addr);

/* The event-type filter, "type,type" (every one a type of the log, none
 * twice; "" for every type): 0, or CN_EINVAL naming the bad one. */
int cn_hook_types_check(const char *types, struct cn_err *err) CN_NODISCARD;
/* Whether the filter takes an event of `type`. */
int cn_hook_types_match(const char *types, const char *type);

#endif
