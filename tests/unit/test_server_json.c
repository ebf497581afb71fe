/*
 * test_server_json.c - the server's own JSON parses when memory runs out:
 * a request body (request.c's body_object), a passkey ceremony's client
 * data (webauthn.c's wa_client_parse) and a notice made into an e-mail
 * (mail_compose.c).  jansson may turn a failed allocation into a syntax
 * error, or return a value that is not the text's (core/json_alloc.h,
 * jansson#362): each must say out of memory, never blame the client (a
 * 400) or the record (corrupt), and never go on with a wrong value.
 *
 * How.  Like test_oom, after SQLite's sqlite3_memdebug_fail: the test is
 * linked with -Wl,--wrap=malloc (meson.build), so every malloc in these
 * modules and in libcouncil.a goes through __wrap_malloc, jansson's too
 * (cn_json_alloc_install: the library's recording allocator calls
 * malloc).  Each parse runs with its Nth malloc failing, for every N
 * until a run meets no failure.  Only malloc is failed: it is what
 * jansson allocates with, the point of this test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
	if (oom.fail_at && ++oom.count == oom.fail_at) {
		oom.hit = 1;
		return NULL;
	}
	return __real_malloc(n);
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
		cmocka_unit_test(test_mail_out_of_memory),
	};

	cn_json_alloc_install();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
