/*
 * test_server_json.c - the server's own JSON parses when memory runs out:
 * a request body (request.c's body_object), a passkey ceremony's client
 * data (webauthn.c's wa_client_parse) and a notice made into an e-mail
 * (mail_compose.c); and the passkey's CBOR, an attestation object and
 * authenticator data (webauthn.c, through libcbor's cbor_load).  jansson
 * may turn a failed allocation into a syntax error, or return a value
 * that is not the text's (core/json_alloc.h, jansson#362): each must say
 * out of memory, never blame the client (a 400) or the record (corrupt),
 * and never go on with a wrong value.
 *
 * How.  Like test_oom, after SQLite's sqlite3_memdebug_fail: the test is
 * linked with -Wl,--wrap=malloc (meson.build), so every malloc in these
 * modules and in libcouncil.a goes through __wrap_malloc, jansson's too
 * (cn_json_alloc_install: the library's recording allocator calls
 * malloc).  Each parse runs with its Nth malloc failing, for every N
 * until a run meets no failure.  Only malloc is failed: it is what
 * jansson allocates with, the point of this test.  libcbor's
 * allocations are out of reach: its cbor_load fails instead
 * (__wrap_cbor_load, below).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_alloc.h"
#include "server/ctx.h"
#include "server/mail.h"
#include "server/request.h"
#include "server/webauthn.h"

static struct {
	long count, fail_at; /* fail_at 0: disarmed */
	int hit;
} oom;

static int oom_fails(void)
{
	if (oom.fail_at && ++oom.count == oom.fail_at) {
		oom.hit = 1;
		return 1;
	}
	return 0;
}

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
	return oom_fails() ? NULL : __real_malloc(n);
}

/* libcbor is a shared library built without CBOR_CUSTOM_ALLOC, so its
 * own allocations are out of --wrap's reach; its entry point is not
 * (webauthn.c is linked into this test, -Wl,--wrap=cbor_load).  A
 * cbor_load counts as one allocation, and fails as libcbor does when
 * one of its allocations fails: NULL, CBOR_ERR_MEMERROR. */
cbor_item_t *__real_cbor_load(cbor_data p, size_t n,
			      struct cbor_load_result *r);
cbor_item_t *__wrap_cbor_load(cbor_data p, size_t n,
			      struct cbor_load_result *r);
cbor_item_t *__wrap_cbor_load(cbor_data p, size_t n,
			      struct cbor_load_result *r)
{
	if (oom_fails()) {
		memset(r, 0, sizeof(*r));
		r->error.code = CBOR_ERR_MEMERROR;
		return NULL;
	}
	return __real_cbor_load(p, n, r);
}

static void arm(long n)
{
	oom.count = 0;
	oom.hit = 0;
	oom.fail_at = n;
}

/* ---- a request body ----------------------------------------------------- */

static const char BODY[] =
	"{\"title\": \"A title \\u00e9t\\u00e9\", \"text\": \"Some text\", "
	"\"members\": [\"FR\", \"DE\", \"PL\"], \"shared\": true, "
	"\"effects\": [{\"type\": \"open-office\", \"id\": \"x\"}]}";

static json_t *parse_body(const char *body, struct http_response *res)
{
	struct http_request req = {.method = "POST", .path = "/",
				   .content_type = "application/json",
				   .body = body, .body_len = strlen(body)};
	struct ctx x = {.req = &req, .res = res};

	memset(res, 0, sizeof(*res));
	return body_object(&x);
}

static void test_body_out_of_memory(void **state)
{
	struct http_response res;
	json_t *clean = parse_body(BODY, &res), *v;
	(void)state;

	assert_non_null(clean);
	for (long n = 1;; n++) {
		arm(n);
		v = parse_body(BODY, &res);
		arm(0);
		if (v) {
			/* parsed: exactly the text's value */
			if (!json_equal(v, clean))
				fail_msg("N=%ld: a body parsed while an "
					 "allocation failed is not the text's", n);
			json_decref(v);
		} else {
			/* answered: the server's failure, never the client's */
			if (res.status != 500 || !res.body ||
			    !strstr(res.body, "out of memory"))
				fail_msg("N=%ld: %d %s", n, res.status,
					 res.body ? res.body : "(no body)");
			free(res.body);
		}
		if (!oom.hit)
			break;
	}
	json_decref(clean);
}

/* With memory to spare, a malformed body is still the client's: 400. */
static void test_body_malformed(void **state)
{
	struct http_response res;
	(void)state;

	assert_null(parse_body("{\"title\": ", &res));
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(res.body, "malformed-json"));
	free(res.body);
}

/* ---- a passkey ceremony's client data ---------------------------------- */

/* 32 bytes of challenge, base64url without padding: 43 characters. */
static const char CLIENT[] =
	"{\"type\":\"webauthn.get\",\"challenge\":"
	"\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\","
	"\"origin\":\"https://council.example\",\"crossOrigin\":false,"
	"\"other_keys_can_be_added_here\":\"do not compare clientDataJSON "
	"against a template\"}";

static void test_client_data_out_of_memory(void **state)
{
	struct wa_client clean, c;
	char why[160];
	int rc;
	(void)state;

	assert_int_equal(wa_client_parse((const uint8_t *)CLIENT,
					 strlen(CLIENT), &clean, why,
					 sizeof(why)), 0);
	for (long n = 1;; n++) {
		arm(n);
		rc = wa_client_parse((const uint8_t *)CLIENT, strlen(CLIENT), &c,
				     why, sizeof(why));
		arm(0);
		if (rc == 0 && memcmp(&c, &clean, sizeof(c)))
			fail_msg("N=%ld: client data parsed while an allocation "
				 "failed is not the text's", n);
		if (rc && (rc != WA_NOMEM || !strstr(why, "out of memory")))
			fail_msg("N=%ld: %d, %s", n, rc, why);
		if (!oom.hit)
			break;
	}
}

/* ---- a passkey's attestation and authenticator data -------------------- */

/* A P-256 point (the curve's generator) as an ES256 COSE key. */
#define COSE_KEY                                                              \
	"\xa5\x01\x02\x03\x26\x20\x01\x21\x58\x20"                            \
	"\x6b\x17\xd1\xf2\xe1\x2c\x42\x47\xf8\xbc\xe6\xe5\x63\xa4\x40\xf2"    \
	"\x77\x03\x7d\x81\x2d\xeb\x33\xa0\xf4\xa1\x39\x45\xd8\x98\xc2\x96"    \
	"\x22\x58\x20"                                                        \
	"\x4f\xe3\x42\xe2\xfe\x1a\x7f\x9b\x8e\xe7\xeb\x4a\x7c\x0f\x9e\x16"    \
	"\x2b\xce\x33\x57\x6b\x31\x5e\xce\xcb\xb6\x40\x68\x37\xbf\x51\xf5"
/* rpIdHash, flags UP UV AT ED, counter 7, AAGUID, a credential id of 16
 * bytes, its key, and an empty map of extensions: 149 bytes. */
#define AUTH_DATA                                                             \
	"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR\xc5\x00\x00\x00\x07"                \
	"AAAAAAAAAAAAAAAA\x00\x10" "CCCCCCCCCCCCCCCC" COSE_KEY "\xa0"
static const char ATTESTATION[] =
	"\xa3\x63" "fmt" "\x64" "none" "\x67" "attStmt" "\xa0"
	"\x68" "authData" "\x58\x95" AUTH_DATA;

/* Each parse with its Nth allocation failing: it takes exactly what a
 * clean parse takes, or says out of memory (WA_NOMEM), never that the
 * authenticator sent bad CBOR (a 400). */
static void test_cbor_out_of_memory(void **state)
{
	static const struct {
		const char *what, *p;
		size_t len;
		int attestation;
	} in[] = {
		{"attestation", ATTESTATION, sizeof(ATTESTATION) - 1, 1},
		{"authenticator data", AUTH_DATA, sizeof(AUTH_DATA) - 1, 0},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		const uint8_t *p = (const uint8_t *)in[i].p;
		struct wa_auth clean, a;
		char why[160];
		int rc = in[i].attestation
				 ? wa_attestation_parse(p, in[i].len, &clean, why,
							sizeof(why))
				 : wa_auth_parse(p, in[i].len, &clean, why,
						 sizeof(why));

		if (rc || !clean.attested)
			fail_msg("%s: %d %s", in[i].what, rc, why);
		for (long n = 1;; n++) {
			arm(n);
			rc = in[i].attestation
				     ? wa_attestation_parse(p, in[i].len, &a, why,
							    sizeof(why))
				     : wa_auth_parse(p, in[i].len, &a, why,
						     sizeof(why));
			arm(0);
			if (rc == 0 && memcmp(&a, &clean, sizeof(a)))
				fail_msg("%s, N=%ld: parsed while an allocation "
					 "failed, not as the clean parse",
					 in[i].what, n);
			if (rc && (rc != WA_NOMEM || !strstr(why, "out of memory")))
				fail_msg("%s, N=%ld: %d, %s", in[i].what, n, rc,
					 why);
			if (!oom.hit)
				break;
		}
	}
}

/* ---- a notice made into an e-mail --------------------------------------- */

static void test_mail_out_of_memory(void **state)
{
	struct mail_conf m = {.url = "smtp://127.0.0.1:25",
			      .from = "council@nac.example"};
	struct cn_webhook w = {.id = 7};
	static const char body[] =
		"{\"type\":\"reminder\",\"proposal\":17,\"title\":\"A title\","
		"\"body\":\"NAC\",\"procedure\":\"silence\",\"deadline\":"
		"\"2026-12-04T12:00:00Z\",\"remind\":\"2h\",\"member\":\"FR\","
		"\"awaited\":\"position\"}";
	(void)state;

	cn_mail_uri("fr@delegation.example", "en", w.url, sizeof(w.url));
	for (long n = 1;; n++) {
		struct cn_err err = {0};
		size_t len = 0;
		char *msg;

		arm(n);
		msg = mail_compose(&m, &w, "reminder", "remind:17:1:7200", body,
				   1796400000, &len, &err);
		arm(0);
		/* Made: its words are the message's business (a dropped
		 * word is not this test's); not made: out of memory. */
		if (!msg && err.code != CN_ENOMEM)
			fail_msg("N=%ld: %d, %s", n, err.code, err.msg);
		free(msg);
		if (!oom.hit)
			break;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_out_of_memory),
		cmocka_unit_test(test_body_malformed),
		cmocka_unit_test(test_client_data_out_of_memory),
		cmocka_unit_test(test_cbor_out_of_memory),
		cmocka_unit_test(test_mail_out_of_memory),
	};

	cn_json_alloc_install();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
