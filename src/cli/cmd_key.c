/*
 * cmd_key.c - a delegation's signing key: `council keygen` makes one (an
 * Ed25519 note key: the secret in a 0600 file, the public key beside it),
 * and `council key register` records its public key in the log, so that
 * positions signed with it (`respond --sign`) verify; a later one rotates
 * it.  keygen needs no store; key register is a change, opened read-write
 * with the log's signer.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/checkpoint.h"
#include "cli.h"

enum { KEYGEN_NAME, KEYGEN_OUT };
const struct cli_opt cli_opts_keygen[] = {
	[KEYGEN_NAME] = OPT_REQ("name", "NAME", "what the key is called (e.g. FR-2026)"),
	[KEYGEN_OUT] = OPT_REQ("out", "FILE", "the secret key file to create (it must not\n"
			       "exist); the public key goes to FILE.pub"),
	OPT_END};

int cmd_keygen(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *name = a->val[KEYGEN_NAME], *outp = a->val[KEYGEN_OUT];
	struct cn_err err = {0};
	uint8_t pk[32], sk[64];
	char *skey = NULL, *vkey = NULL, pub[1024];
	int rc, fd;
	(void)app;

	if ((rc = cn_note_keygen(name, pk, sk, &err)) ||
	    (rc = cn_note_skey_encode(name, sk, &skey, &err)) ||
	    (rc = cn_note_vkey_encode(name, pk, &vkey, &err)))
		return cli_fail(c, &err);
	fd = open(outp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, skey, strlen(skey)) != (ssize_t)strlen(skey) ||
	    write(fd, "\n", 1) != 1 || close(fd)) {
		fprintf(stderr, "council: %s: cannot create (it must not exist)\n", outp);
		rc = EXIT_REFUSED;
	}
	snprintf(pub, sizeof(pub), "%s.pub", outp);
	FILE *f = rc ? NULL : fopen(pub, "w");
	if (!rc && (!f || fprintf(f, "%s\n", vkey) < 0 || fclose(f))) {
		fprintf(stderr, "council: %s: cannot write\n", pub);
		rc = EXIT_REFUSED;
	}
	if (!rc)
		printf("%s\n", vkey);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(skey, strlen(skey));
	free(skey);
	free(vkey);
	return rc;
}

static int register_fn(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	const char *const *kv = a;
	return cn_cmd_register_key(w, now, kv[0], kv[1], box, err);
}

enum { KEY_MEMBER, KEY_VKEY, KEY_AT };
const struct cli_opt cli_opts_key[] = {
	[KEY_MEMBER] = OPT_REQ("member", "CODE", "the member whose delegation signs"),
	[KEY_VKEY] = OPT_REQ("vkey", "KEY", "its public key: the text or a .pub file"),
	[KEY_AT] = OPT_RECORD_AT,
	OPT_END};

int cmd_key(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *member = a->val[KEY_MEMBER], *vkeyarg = a->val[KEY_VKEY];
	struct cn_err err = {0};
	int rc;

	char *vkey = cli_text_or_file(vkeyarg, 0);
	const char *kv[2] = {member, vkey};
	if (!vkey)
		return cli_usage(c, "cannot read --vkey %s", vkeyarg);
	rc = cn_app_run(app, c->now, "secretariat", register_fn, kv,
			NULL, &err);
	free(vkey);
	if (rc)
		return cli_fail(c, &err);
	printf("key registered for %s\n", member);
	return 0;
}
