/*
 * test_verify.c - the checker of a checkpoint sequence (app/verify.h) and
 * the chain line that lets it take most signatures on trust
 * (core/checkpoint.h): a batch of chained notes is judged with two
 * Ed25519 checks, a note the next does not name is checked itself, and a
 * fault is named as it was before chains.  And the pipe that hashes an
 * export's leaves on a second thread gives them back in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/export.h"
#include "app/export_lines.h"
#include "app/leafpipe.h"
#include "app/verify.h"
#include "core/checkpoint.h"
#include "core/merkle.h"

#define NAME "test.example/log"
#define N 24 /* checkpoints, one a leaf: unchained, more signatures
	      * than the thread takes (a chained batch has two) */

struct seq {
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN];
	struct cn_merkle_mem tree;
	char *note[N]; /* the checkpoint of size i + 1 */
};

/* A tree of N leaves and a checkpoint at every size; chained from note
 * `from` on (N: none chained). */
static void make(struct seq *s, int from)
{
	struct cn_err err = {0};

	crypto_sign_keypair(s->pk, s->sk);
	cn_merkle_mem_init(&s->tree);
	for (int i = 0; i < N; i++) {
		uint8_t leaf[CN_MERKLE_HASH_LEN], root[CN_MERKLE_HASH_LEN];
		char data[24]; /* "leaf " and any int */

		snprintf(data, sizeof(data), "leaf %d", i);
		cn_merkle_leaf_hash(data, strlen(data), leaf);
		assert_int_equal(cn_merkle_mem_append(&s->tree, leaf, &err), 0);
		assert_int_equal(cn_merkle_root(cn_merkle_mem_get, &s->tree,
						(uint64_t)i + 1, root, &err), 0);
		if (i > from)
			assert_int_equal(cn_checkpoint_sign_after(
				NAME, (uint64_t)i + 1, root, s->note[i - 1],
				strlen(s->note[i - 1]), NAME, s->sk, &s->note[i],
				&err), 0);
		else
			assert_int_equal(cn_checkpoint_sign(NAME, (uint64_t)i + 1,
							    root, NAME, s->sk,
							    &s->note[i], &err), 0);
	}
}

static void release(struct seq *s)
{
	for (int i = 0; i < N; i++)
		free(s->note[i]);
	cn_merkle_mem_release(&s->tree);
}

/* Judge the sequence as one batch, in order, as verify does; the first
 * fault's code (0: none) with its message in err, chained counted. */
static int judge(struct seq *s, int64_t *chained, struct cn_err *err)
{
	struct cn_sig_item items[N];
	struct cn_sigs sigs;
	struct cn_cp_check c;
	int rc = 0;

	/* not zeroed: cn_sigs_start sets what is read (verify.h) */
	memset(items, 0xA5, sizeof(items));
	for (int i = 0; i < N; i++)
		items[i].note = s->note[i];
	cn_cp_check_init(&c, cn_cp_root_mem, &s->tree, NAME, s->pk);
	cn_sigs_start(&sigs, items, N, NAME, s->pk);
	for (int i = 0; rc == 0 && i < N; i++)
		rc = cn_sigs_judge(&sigs, (size_t)i, &c, NULL, err);
	cn_sigs_stop(&sigs);
	*chained = c.chained;
	return rc;
}

/* Change one byte of note i's signature (its text kept). */
static void damage_signature(struct seq *s, int i)
{
	char *sig = strrchr(s->note[i], ' ') + 1;

	sig[10] = sig[10] == 'A' ? 'B' : 'A';
}

/* Notes from..N-1 signed again by a forger's key, each naming the one
 * before; with as_log, each signature line then says the log key's name
 * and id (its signature still the forger's). */
static void forge(struct seq *s, int from, int as_log)
{
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN], id[4];
	struct cn_err err = {0};

	crypto_sign_keypair(pk, sk);
	cn_note_key_id(NAME, s->pk, id);
	for (int i = from; i < N; i++) {
		struct cn_checkpoint cp;
		char *forged = NULL;

		assert_int_equal(cn_checkpoint_parse(s->note[i], strlen(s->note[i]),
						     &cp, &err), 0);
		assert_int_equal(cn_checkpoint_sign_after(NAME, cp.size, cp.root,
			s->note[i - 1], strlen(s->note[i - 1]), NAME, sk,
			&forged, &err), 0);
		cn_checkpoint_release(&cp);
		if (as_log) { /* the line's base64: key id (4) || signature */
			char *b64 = strrchr(forged, ' ') + 1;
			uint8_t bin[68];
			size_t len = 0;

			assert_int_equal(sodium_base642bin(bin, sizeof(bin), b64,
				strlen(b64) - 1, NULL, &len, NULL,
				sodium_base64_VARIANT_ORIGINAL), 0);
			assert_int_equal(len, 68);
			memcpy(bin, id, 4);
			sodium_bin2base64(b64, strlen(b64), bin, len,
					  sodium_base64_VARIANT_ORIGINAL);
			b64[strlen(b64)] = '\n';
		}
		free(s->note[i]);
		s->note[i] = forged;
	}
}

static void test_chain_line(void **state)
{
	struct seq s;
	struct cn_checkpoint a, b;
	struct cn_err err = {0};

	(void)state;
	make(&s, 0);
	assert_int_equal(cn_checkpoint_verify(s.note[0], strlen(s.note[0]), NAME,
					      s.pk, &a, &err), 0);
	assert_null(a.extensions); /* the first names nothing */
	assert_int_equal(cn_checkpoint_verify(s.note[1], strlen(s.note[1]), NAME,
					      s.pk, &b, &err), 0);
	assert_non_null(b.extensions);
	assert_int_equal(strncmp(b.extensions, "previous ", 9), 0);
	assert_int_equal(cn_checkpoint_follows(&b, s.note[0], strlen(s.note[0])), 1);
	/* not another note, nor the same one a byte shorter */
	assert_int_equal(cn_checkpoint_follows(&b, s.note[1], strlen(s.note[1])), 0);
	assert_int_equal(cn_checkpoint_follows(&b, s.note[0],
					       strlen(s.note[0]) - 1), 0);
	assert_int_equal(cn_checkpoint_follows(&a, s.note[0], strlen(s.note[0])), 0);
	cn_checkpoint_release(&a);
	cn_checkpoint_release(&b);
	release(&s);
}

/* A chained batch: every note judged good, all but the first and the
 * last through the chain. */
static void test_chained_batch(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, 0);
	assert_int_equal(judge(&s, &chained, &err), 0);
	assert_int_equal(chained, N - 2);
	release(&s);
}

/* Notes with no chain line (a store from before chains): each checked. */
static void test_unchained_batch(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, N);
	assert_int_equal(judge(&s, &chained, &err), 0);
	assert_int_equal(chained, 0);
	damage_signature(&s, 9);
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "checkpoint 10: checkpoint: invalid "
				      "signature"));
	release(&s);
}

/* Note i rewritten with its first `from` replaced by `to`. */
static void rewrite(struct seq *s, int i, const char *from, const char *to)
{
	char *at = strstr(s->note[i], from), *out;
	size_t head;

	assert_non_null(at);
	head = (size_t)(at - s->note[i]);
	out = malloc(strlen(s->note[i]) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, s->note[i], head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	free(s->note[i]);
	s->note[i] = out;
}

/* What parsing note i alone says. */
static void parse_fault(struct seq *s, int i, char *msg, size_t size)
{
	struct cn_checkpoint cp = {0};
	struct cn_err err = {0};

	assert_int_not_equal(cn_checkpoint_parse(s->note[i], strlen(s->note[i]),
						 &cp, &err), 0);
	snprintf(msg, size, "checkpoint %d: %s", i + 1, err.msg);
}

/* Notes that do not parse, in an unchained batch (the second thread
 * checks its signatures): a batch keeps the message of its first such
 * note only, so each fault below must be named in its own words. */
static void test_unparsed_in_batch(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;
	char want[CN_ERR_MSG_MAX + 32];

	(void)state;
	make(&s, N);
	rewrite(&s, 9, "\n\xe2\x80\x94 ", "\n-- "); /* no em dash */
	rewrite(&s, 14, "\n\n", "\n");                 /* no blank line */
	parse_fault(&s, 9, want, sizeof(want));
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_string_equal(err.msg, want);
	release(&s);

	make(&s, N);
	rewrite(&s, 14, "\n\n", "\n");
	parse_fault(&s, 14, want, sizeof(want));
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_string_equal(err.msg, want);
	damage_signature(&s, 9); /* a bad signature before it */
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "checkpoint 10: checkpoint: invalid "
				      "signature"));
	release(&s);

	make(&s, N);
	rewrite(&s, 9, "\n\xe2\x80\x94 ", "\n-- ");
	damage_signature(&s, 14); /* a bad signature after it */
	parse_fault(&s, 9, want, sizeof(want));
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_string_equal(err.msg, want);
	release(&s);
}

/* An older store's notes, then chained ones: only the chained are taken
 * on trust. */
static void test_mixed_batch(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, 12); /* notes 14.. name the one before */
	assert_int_equal(judge(&s, &chained, &err), 0);
	/* notes 13 to 23 carry chain lines, so 12 to 22 are named by the
	 * next (0-based); the last is checked */
	assert_int_equal(chained, 11);
	release(&s);
}

/* A damaged signature in the middle of a chain: the next note no longer
 * names those bytes, so the note is checked itself and named, by the
 * same words as without chains. */
static void test_damaged_in_chain(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, 0);
	damage_signature(&s, 9);
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "checkpoint 10: checkpoint: invalid "
				      "signature by key " NAME "+"));
	release(&s);
}

/* The last note damaged: it is always checked. */
static void test_damaged_last(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, 0);
	damage_signature(&s, N - 1);
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "invalid signature"));
	assert_int_equal(chained, N - 2); /* the others, before it */
	release(&s);
}

/* Under another key the first note is named at once, as before. */
static void test_another_key(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;
	uint8_t sk[CN_NOTE_SECKEY_LEN];

	(void)state;
	make(&s, 0);
	crypto_sign_keypair(s.pk, sk); /* the verifier's key is not the log's */
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "checkpoint 1: checkpoint: note is not "
				      "signed by key"));
	release(&s);
}

/* Notes re-signed from note 21 on by another key, each naming the one
 * before: a note taken on trust must still carry a line by the log's
 * key, so the first forged one is named. */
static void test_forged_by_another_key(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, 0);
	forge(&s, 20, 0);
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "checkpoint 21: checkpoint: note is not "
				      "signed by key"));
	release(&s);
}

/* The same, the forged lines carrying the log key's name and id: each is
 * named by the next, up to the last, whose signature is checked. */
static void test_forged_run(void **state)
{
	struct seq s;
	struct cn_err err = {0};
	int64_t chained = -1;

	(void)state;
	make(&s, 0);
	forge(&s, 20, 1);
	assert_int_equal(judge(&s, &chained, &err), CN_ECORRUPT);
	assert_non_null(strstr(err.msg, "checkpoint 24: checkpoint: invalid "
				      "signature"));
	release(&s);
}

/* ---- the leaf pipe (app/leafpipe.h) ---------------------------------- */

#define PIPED 5000 /* several batches, the last one partial */

struct sink {
	uint8_t (*got)[CN_HASH_LEN];
	size_t n, fail_at; /* fail_at: the sink's failure (0: none) */
	struct cn_merkle_mem tree; /* built from the nodes given */
};

static int keep(void *ctx, const struct cn_merkle_node *nodes, size_t n,
		struct cn_err *err)
{
	struct sink *k = ctx;

	if (k->fail_at && k->n + 1 == k->fail_at)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	assert_int_equal(nodes[0].level, 0);
	assert_int_equal(nodes[0].index, k->n);
	memcpy(k->got[k->n++], nodes[0].hash, CN_HASH_LEN);
	return cn_merkle_mem_append_nodes(&k->tree, nodes, n, err);
}

/* Entry i: every seventh a leaf given as it is, the others an event of
 * i's own bytes and salt; want[i] its leaf, computed here.  With `lent`,
 * every third event's bytes are lent from lent[i] (cn_leafpipe_event_ref),
 * the others copied from a buffer written over at once. */
static int pipe_all(struct sink *k, uint8_t (*want)[CN_HASH_LEN],
		    char (*lent)[64], struct cn_err *err)
{
	struct cn_leafpipe p;
	int rc = 0;

	cn_leafpipe_init(&p, keep, k);
	for (size_t i = 0; rc == 0 && i < PIPED; i++) {
		char bytes[64];
		uint8_t salt[CN_SALT_LEN];
		int len = snprintf(bytes, sizeof(bytes), "{\"event\":%zu}", i);

		memset(salt, (int)(i % 251), sizeof(salt));
		if (i % 7 == 0) {
			memset(want[i], (int)(i % 256), CN_HASH_LEN);
			rc = cn_leafpipe_leaf(&p, want[i], err);
		} else if (lent && i % 3 == 0) {
			cn_event_hash(salt, bytes, (size_t)len, want[i]);
			memcpy(lent[i], bytes, (size_t)len);
			rc = cn_leafpipe_event_ref(&p, salt, lent[i], (size_t)len,
						   err);
		} else {
			cn_event_hash(salt, bytes, (size_t)len, want[i]);
			rc = cn_leafpipe_event(&p, salt, bytes, (size_t)len, err);
		}
		memset(bytes, 'x', sizeof(bytes)); /* copied: no longer read */
	}
	if (rc == 0)
		rc = cn_leafpipe_flush(&p, err);
	cn_leafpipe_release(&p);
	return rc;
}

/* The leaves and the tree's nodes come back in order, whether the
 * bytes were copied or (some of them, with `lent`) lent. */
static void leafpipe_in_order(char (*lent)[64])
{
	uint8_t (*want)[CN_HASH_LEN] = calloc(PIPED, CN_HASH_LEN);
	struct sink k = {calloc(PIPED, CN_HASH_LEN), 0, 0, {0}};
	struct cn_merkle_mem tree;
	struct cn_err err = {0};

	assert_non_null(want);
	assert_non_null(k.got);
	cn_merkle_mem_init(&k.tree);
	assert_int_equal(pipe_all(&k, want, lent, &err), 0);
	assert_int_equal(k.n, PIPED);
	for (size_t i = 0; i < PIPED; i++)
		if (memcmp(k.got[i], want[i], CN_HASH_LEN))
			fail_msg("leaf %zu differs", i);
	/* the nodes given make the tree the leaves make, at every size */
	cn_merkle_mem_init(&tree);
	for (size_t i = 0; i < PIPED; i++) {
		uint8_t a[CN_MERKLE_HASH_LEN], b[CN_MERKLE_HASH_LEN];

		assert_int_equal(cn_merkle_mem_append(&tree, want[i], &err), 0);
		assert_int_equal(cn_merkle_root(cn_merkle_mem_get, &tree, i + 1,
						a, &err), 0);
		assert_int_equal(cn_merkle_root(cn_merkle_mem_get, &k.tree, i + 1,
						b, &err), 0);
		if (memcmp(a, b, sizeof(a)))
			fail_msg("the roots at size %zu differ", i + 1);
	}
	for (unsigned l = 0; l < CN_MERKLE_LEVELS; l++)
		assert_int_equal(tree.len[l], k.tree.len[l]);
	cn_merkle_mem_release(&tree);
	cn_merkle_mem_release(&k.tree);
	/* a sink that fails stops the pipe with its error, and no leaf
	 * after it is delivered */
	cn_merkle_mem_init(&k.tree);
	k.n = 0;
	k.fail_at = 2500;
	assert_int_equal(pipe_all(&k, want, lent, &err), CN_ENOMEM);
	assert_int_equal(k.n, 2499);
	cn_merkle_mem_release(&k.tree);
	free(want);
	free(k.got);
}

static void test_leafpipe_in_order(void **state)
{
	(void)state;
	leafpipe_in_order(NULL);
}

static void test_leafpipe_lent_bytes(void **state)
{
	char (*lent)[64] = calloc(PIPED, 64);

	(void)state;
	assert_non_null(lent);
	leafpipe_in_order(lent);
	free(lent);
}

/* Lent bytes count toward a batch's hand-over as copied ones do: six
 * events of 20 KB, far fewer than a batch's entries, hand the first
 * batch over at 32 KB (the second event) and collect it at the second
 * batch's 64 KB (the sixth), delivering its two leaves before any flush;
 * counted by entries alone, none would be. */
static void test_leafpipe_lent_bytes_hand_over(void **state)
{
	enum { BIG = 20 * 1024, NBIG = 6 };
	char *big = malloc((size_t)NBIG * BIG);
	uint8_t (*want)[CN_HASH_LEN] = calloc(NBIG, CN_HASH_LEN);
	struct sink k = {calloc(NBIG, CN_HASH_LEN), 0, 0, {0}};
	struct cn_leafpipe p;
	struct cn_err err = {0};

	(void)state;
	assert_non_null(big);
	assert_non_null(want);
	assert_non_null(k.got);
	cn_merkle_mem_init(&k.tree);
	cn_leafpipe_init(&p, keep, &k);
	for (int i = 0; i < NBIG; i++) {
		uint8_t salt[CN_SALT_LEN];
		memset(salt, i + 1, sizeof(salt));
		memset(big + (size_t)i * BIG, 'a' + i, BIG);
		cn_event_hash(salt, big + (size_t)i * BIG, BIG, want[i]);
		assert_int_equal(cn_leafpipe_event_ref(&p, salt, big + (size_t)i * BIG,
						       BIG, &err), 0);
	}
	assert_int_equal(k.n, 2);
	assert_int_equal(cn_leafpipe_flush(&p, &err), 0);
	cn_leafpipe_release(&p);
	assert_int_equal(k.n, NBIG);
	for (int i = 0; i < NBIG; i++)
		assert_memory_equal(k.got[i], want[i], CN_HASH_LEN);
	cn_merkle_mem_release(&k.tree);
	free(k.got);
	free(want);
	free(big);
}

/* ---- an export in memory (cn_verify_export_bytes) -------------------- */

/* No bytes at all, even no pointer to them: an empty file, said so (and
 * no offset added to NULL, which UBSan would report). */
static void test_export_bytes_none(void **state)
{
	struct cn_export_stats st;
	struct cn_err err = {0};

	(void)state;
	assert_int_equal(cn_verify_export_bytes("mem.jsonl", NULL, 0, NULL, &st,
						&err), CN_EINVAL);
	assert_string_equal(err.msg, "mem.jsonl: empty file");
	assert_int_equal(st.events, 0);
	/* a header alone, without its newline, is named by its line */
	static const char line[] = "{\"council_log\":2}";
	assert_int_equal(cn_verify_export_bytes("mem.jsonl", line,
						sizeof(line) - 1, NULL, &st,
						&err), CN_EINVAL);
	assert_non_null(strstr(err.msg, "mem.jsonl: line 1: not a council log "
				       "export"));
}

/* An event's tail read within its n bytes: bytes that end right after
 * "seq": (nothing of the number) are refused without reading the byte
 * after them (a heap block of exactly n bytes: ASan sees it). */
static void test_event_tail_in_bounds(void **state)
{
	static const char head[] = "{\"x\":1,\"prev\":\"", tail[] = "\",\"seq\":";
	const size_t n = sizeof(head) - 1 + 64 + sizeof(tail) - 1;
	char *b = malloc(n);
	const char *prev, *type;
	size_t tl;
	int64_t seq;

	(void)state;
	assert_non_null(b);
	memcpy(b, head, sizeof(head) - 1);
	memset(b + sizeof(head) - 1, 'a', 64);
	memcpy(b + sizeof(head) - 1 + 64, tail, sizeof(tail) - 1);
	assert_int_equal(cn_export_event_tail(b, n, &prev, &seq, &type, &tl), -1);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_line),
		cmocka_unit_test(test_chained_batch),
		cmocka_unit_test(test_unchained_batch),
		cmocka_unit_test(test_unparsed_in_batch),
		cmocka_unit_test(test_mixed_batch),
		cmocka_unit_test(test_damaged_in_chain),
		cmocka_unit_test(test_damaged_last),
		cmocka_unit_test(test_another_key),
		cmocka_unit_test(test_forged_by_another_key),
		cmocka_unit_test(test_forged_run),
		cmocka_unit_test(test_leafpipe_in_order),
		cmocka_unit_test(test_leafpipe_lent_bytes),
		cmocka_unit_test(test_leafpipe_lent_bytes_hand_over),
		cmocka_unit_test(test_export_bytes_none),
		cmocka_unit_test(test_event_tail_in_bounds),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
