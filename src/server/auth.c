/* auth.c - see auth.h. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void cn_token_hash(const char *token, uint8_t hash[CN_HASH_LEN])
{
	cn_sha256(token, strlen(token), hash);
}

void cn_secret_new(const char prefix[4], char out[CN_TOKEN_LEN + 1],
		   uint8_t hash[CN_HASH_LEN])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, 3);
	sodium_bin2base64(out + 3, CN_TOKEN_LEN + 1 - 3, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	cn_token_hash(out, hash);
}

void cn_token_new(char out[CN_TOKEN_LEN + 1], uint8_t hash[CN_HASH_LEN])
{
	cn_secret_new("cn_", out, hash);
}

const char *cn_role_name(enum cn_role r)
{
	switch (r) {
	case CN_ROLE_PUBLIC: return "public";
	case CN_ROLE_SECRETARIAT: return "secretariat";
	case CN_ROLE_MEMBER: return "member";
	case CN_ROLE_PARTNER: return "partner";
	}
	return "?";
}

/* The principal a stored token (or feed key) stands for. */
static void principal_of(const struct cn_reader_token *info,
			 struct cn_principal *out)
{
	out->token_id = info->id;
	snprintf(out->code, sizeof(out->code), "%.7s", info->code);
	out->role = !strcmp(info->role, "secretariat") ? CN_ROLE_SECRETARIAT
		    : !strcmp(info->role, "member")    ? CN_ROLE_MEMBER
						        : CN_ROLE_PARTNER;
}

int cn_auth_resolve(struct cn_reader *rd, const char *authorization,
		    struct cn_principal *out, struct cn_err *err)
{
	struct cn_reader_token info;
	uint8_t hash[CN_HASH_LEN];
	const char *tok;

	memset(out, 0, sizeof(*out));
	if (!authorization) {
		out->role = CN_ROLE_PUBLIC;
		return 0;
	}
	/* An empty header is a credential too, a bad one: only its absence
	 * stands for the public. */
	if (strncasecmp(authorization, "Bearer ", 7))
		return cn_err_set(err, CN_EREFUSED,
				  "Authorization must be 'Bearer <token>'");
	tok = authorization + 7;
	while (*tok == ' ')
		tok++;
	if (strlen(tok) != CN_TOKEN_LEN || strncmp(tok, "cn_", 3))
		return cn_err_set(err, CN_EREFUSED, "malformed token");
	cn_token_hash(tok, hash);
	if (cn_reader_token(rd, hash, &info, err))
		return cn_err_set(err, CN_EREFUSED, "unknown or revoked token");
	principal_of(&info, out);
	return 0;
}

int cn_auth_feed(struct cn_reader *rd, const char *key,
		 struct cn_principal *out, struct cn_err *err)
{
	struct cn_reader_token info;
	uint8_t hash[CN_HASH_LEN];

	memset(out, 0, sizeof(*out));
	if (!key || strlen(key) != CN_TOKEN_LEN || strncmp(key, "cn_", 3))
		return cn_err_set(err, CN_ENOTFOUND, "no such feed");
	cn_token_hash(key, hash);
	if (cn_reader_feed(rd, hash, &info, err))
		return cn_err_set(err, CN_ENOTFOUND, "no such feed");
	principal_of(&info, out);
	return 0;
}

void cn_principal_actor(const struct cn_principal *who, char *buf, size_t len)
{
	/* A person acting in a session follows its principal, by id: the
	 * record says who acted for the delegation, and its name stays
	 * beside the log (buf.h; server/person_name.h). */
	const char *by = who->person ? CN_ACTOR_PERSON : "";
	char name[24] = "";

	if (who->person)
		snprintf(name, sizeof(name), "%lld", (long long)who->person);

	switch (who->role) {
	case CN_ROLE_SECRETARIAT:
		snprintf(buf, len, "secretariat%s%s", by, name);
		return;
	case CN_ROLE_MEMBER:
		snprintf(buf, len, "delegation:%s%s%s", who->code, by, name);
		return;
	case CN_ROLE_PARTNER:
	case CN_ROLE_PUBLIC:
		break;
	}
	snprintf(buf, len, "%s", "");
}
