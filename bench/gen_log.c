/*
 * gen_log.c - write an exported council log of N events for the verify
 * benchmark, in export format 2 (app/export.h) for everyone: the NATO-like
 * registry head, one proposal, then position changes by 32 delegations
 * (footnotes with new texts), each with a random salt, sealed into the
 * hash chain, with a checkpoint signed every 1000 events and at the end.
 *
 * usage: gen_log N OUT.jsonl OUT.vkey
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "core/event.h"
#include "core/merkle.h"

static const char *codes[32] = {
	"BE", "CA", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT", "GB",
	"US", "GR", "TR", "DE", "ES", "CZ", "HU", "PL", "BG", "EE", "LV",
	"LT", "RO", "SK", "SI", "AL", "HR", "ME", "MK", "FI", "SE"};

static struct cn_merkle_mem mem;
static uint8_t prev[CN_HASH_LEN];
static int64_t seq;
static FILE *out;

static void die(const struct cn_err *e)
{
	fprintf(stderr, "gen_log: %s\n", e->msg);
	exit(1);
}

static void emit(const char *type, json_t *payload)
{
	struct cn_event ev;
	struct cn_err err;
	uint8_t salt[CN_SALT_LEN];
	char b64[CN_MERKLE_B64_LEN];

	randombytes_buf(salt, sizeof(salt));
	if (cn_event_init(&ev, 1700000000 + seq, "bench", type, payload, &err) ||
	    cn_event_seal(&ev, seq + 1, prev, salt, &err))
		die(&err);
	json_decref(payload);
	cn_merkle_hash_b64(salt, b64);
	fprintf(out, "{\"salt\":\"%s\",\"event\":", b64);
	fwrite(ev.bytes, 1, ev.len, out);
	fputs("}\n", out);
	if (cn_merkle_mem_append(&mem, ev.hash, &err))
		die(&err);
	memcpy(prev, ev.hash, CN_HASH_LEN);
	seq++;
	cn_event_release(&ev);
}

int main(int argc, char **argv)
{
	uint8_t pk[32], sk[64], root[32];
	struct cn_err err;
	char *vkey, *note;
	char **notes = NULL;
	size_t nnotes = 0;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: gen_log N OUT.jsonl OUT.vkey\n");
		return 2;
	}
	long n = atol(argv[1]);
	out = fopen(argv[2], "w");
	FILE *kf = fopen(argv[3], "w");
	if (!out || !kf || n < 40)
		return 1;
	if (cn_note_keygen("council-log-bench", pk, sk, &err) ||
	    cn_note_vkey_encode("council-log-bench", pk, &vkey, &err))
		die(&err);
	fprintf(kf, "%s\n", vkey);
	fclose(kf);
	fprintf(out, "{\"council_log\":2,\"vkey\":\"%s\",\"audience\":\"all\"}\n",
		vkey);
	cn_merkle_mem_init(&mem);
	emit("alliance.founded", json_pack("{s:{s:s, s:s}}", "alliance", "id",
					   "NATO", "name", "bench"));
	for (int i = 0; i < 32; i++)
		emit("member.admitted",
		     json_pack("{s:{s:s, s:s, s:s, s:s}}", "member", "code", codes[i],
			       "name", codes[i], "accession", "1949-08-24", "source",
			       "bench"));
	emit("body.established",
	     json_pack("{s:{s:s, s:s, s:s, s:s, s:[{s:s}]}}", "body", "id", "NAC",
		       "name", "North Atlantic Council", "rule", "consensus",
		       "procedure", "meeting", "membership", "kind", "all"));
	json_t *el = json_array();
	for (int i = 0; i < 32; i++)
		json_array_append_new(el, json_string(codes[i]));
	emit("proposal.created",
	     json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:[]}", "id", 1, "body",
		       "NAC", "title", "bench", "procedure", "meeting", "rule",
		       "consensus", "electorate", el, "effects"));
	while (seq < n) {
		char text[64];
		snprintf(text, sizeof(text), "statement %lld", (long long)seq);
		emit("position.stated",
		     json_pack("{s:i, s:s, s:s, s:s, s:s}", "proposal", 1, "member",
			       codes[seq % 32], "position", "footnote", "previous",
			       "footnote", "text", text));
		if (seq % 1000 == 0 || seq == n) {
			if (cn_merkle_root(cn_merkle_mem_get, &mem, (uint64_t)seq, root,
					   &err) ||
			    cn_checkpoint_sign("council-log-bench", (uint64_t)seq, root,
					       "council-log-bench", sk, &note, &err))
				die(&err);
			notes = realloc(notes, (nnotes + 1) * sizeof(*notes));
			notes[nnotes++] = note;
		}
	}
	for (size_t i = 0; i < nnotes; i++) {
		json_t *o = json_pack("{s:s}", "checkpoint", notes[i]);
		char *s = json_dumps(o, JSON_COMPACT);
		fprintf(out, "%s\n", s);
		free(s);
		json_decref(o);
		free(notes[i]);
	}
	free(notes);
	free(vkey);
	cn_merkle_mem_release(&mem);
	return fclose(out) ? 1 : 0;
}
