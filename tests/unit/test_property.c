/*
 * test_property.c - verify never cries wolf, and never misses a changed
 * byte (issue 9).
 *
 * A property test over random histories, one sequence per seed: in `make
 * check` a few dozen consecutive seeds from a base drawn afresh each run
 * (printed first), in `make property` 200 from a base known to reach
 * every column.  Each starts from a store seeded with data/nato.json (a
 * file store under /dev/shm when there is one, so the fsync of every
 * commit costs nothing) and runs random commands through the app API at
 * increasing times, from a random date between 1967 and 2025: proposals in every
 * body of the dataset under every procedure, with effects that open and
 * close offices, admit members (accession in the past as well as the
 * future) and add partners; positions of every kind, signed or not;
 * silence broken, extended and recirculated; conclusions, withdrawals,
 * the clock passing deadlines; delegation keys registered and rotated;
 * every eighth sequence the XK case, every tenth a ratification carried
 * through.  Refused commands are part of the history too (they must
 * change nothing).  The log key is the test's own, so the same seed makes
 * the same bytes; a failure names its seed (PROPERTY_SEED,
 * PROPERTY_SEQUENCES and PROPERTY_FROM in the environment replay it, or
 * PROPERTY_SEED alone the whole run).
 *
 * Then, for each sequence:
 *   - the untouched store verifies: cn_app_verify with the store's own
 *     key, and read-only with the published key (derived from the secret
 *     key file, not read from the store); so does its export
 *     (cn_verify_export; every fourth also with the key the file names),
 *     and its export for one audience (`log export --for`: the public, a
 *     member or a partner, by the seed), hidden events as commitments;
 *   - single bytes changed with SQLite directly on the file, after
 *     dropping what anyone holding the file can drop (the append-only
 *     triggers): in the events (bytes, salt, hash, and the type and
 *     proposal kept beside them), the Merkle nodes (level, idx, hash), the
 *     checkpoints (size, root, note), the log key the store names, and
 *     every column of every projection table.  Verify must fail and name
 *     the changed thing itself: the event by its own sequence number, the
 *     node by (level, index), the checkpoint by its size, the key, the
 *     projection row by its key.  Each change is undone before the next;
 *   - single bytes changed in the exported file: cn_verify_export must
 *     fail naming the changed line, and for an event line its event; in
 *     the audience's export, a full entry's salt or event, a commitment
 *     (or a checkpoint line): named as well, or, for a commitment that no
 *     later entry records, the few entries under one checkpoint among
 *     which it is (a leaf alone is bound to nothing but the signed root).
 * Which column, event type and line kind, and where in the value (start,
 * middle, end) turn with the seed, so that the whole run covers all of
 * them, which it checks at its end; the meta counters and the tokens are
 * not the record and are left alone.
 *
 * Before its checks, each sequence also restores its world from a
 * snapshot taken at a random event and folds the rest of the log onto it:
 * the same snapshot bytes and projection rows as the world folded from
 * the whole log (issue 14).
 *
 * The regression cases keep the seed that found each fault, the XK case
 * alone, and defect 4 of issue 9 (a malformed delegation signature).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/export.h"
#include "app/projection.h"
#include "core/buf.h"
#include "core/snapshot.h"
#include "core/event_type.h"
#include "core/note.h"
#include "core/proposal_view.h"
#include "core/signature.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "fixture.h"

#define DATASET CN_DATADIR "/nato.json"

/* ---- deterministic randomness --------------------------------------------- */

/* splitmix64: small, fast, and the same on every platform. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

/* ---- files ------------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		fail_msg("cannot write %s", path);
}

/* Remove a store and what SQLite keeps beside it. */
static void rm_store(const char *path)
{
	char p[256];
	static const char *const tails[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", path, tails[i]);
		unlink(p);
	}
}

/* ---- SQLite, directly on the file ------------------------------------------ */

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("sqlite3_open %s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void db_exec(sqlite3 *db, const char *sql)
{
	char *e = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", e ? e : "?");
		sqlite3_free(e);
		fail_msg("%s: %s", sql, msg);
	}
}

/* The guards anyone holding the file can drop: the append-only
 * triggers. */
static const char drop_guards[] =
	"DROP TRIGGER IF EXISTS events_no_update;"
	"DROP TRIGGER IF EXISTS events_no_delete;"
	"DROP TRIGGER IF EXISTS nodes_no_update;"
	"DROP TRIGGER IF EXISTS nodes_no_delete;"
	"DROP TRIGGER IF EXISTS checkpoints_no_update;"
	"DROP TRIGGER IF EXISTS checkpoints_no_delete;";

/* ---- the test's state -------------------------------------------------------- */

/* What a delegation signs with: the test holds the secret keys it
 * registered. */
struct dkey {
	char code[CN_CODE_MAX];
	uint8_t sk[64];
	int used;
};

#define MAX_KEYS 64

struct prop {
	char dir[64];
	char db[128];       /* the sequence's store */
	char tmpl[128];     /* the seeded store every sequence starts from */
	char exp[128];      /* an export */
	char mut[128];      /* a changed export */
	char aexp[128];     /* an export for one audience */
	char *tmpl_db, *tmpl_key;
	size_t tmpl_db_len, tmpl_key_len;
	char *vkey;         /* the published key */
	int64_t seeded;     /* events in the template */
	uint64_t seed;      /* the base seed */
	struct counts {    /* reported at the end of the property test */
		unsigned long sequences, tried, accepted, events, store_mut,
			export_mut, ratified;
		unsigned long by_type[CN_EV_COUNT];  /* events made */
		unsigned long mut_type[CN_EV_COUNT]; /* store events changed */
		unsigned long exp_type[CN_EV_COUNT]; /* export event lines changed */
		unsigned long exp_line[3][3]; /* header/event/checkpoint x where */
		unsigned long aud[4];         /* audience exports, by role */
		unsigned long commitments;    /* their commitment-only entries */
		unsigned long aud_mut[3];     /* changed: salt, event, leaf */
		unsigned long aud_cp_mut;     /* changed: a checkpoint line */
		unsigned long by_range;       /* named among a few, not alone */
		unsigned long snapshots;      /* restored mid-history (issue 14) */
	} n;
};

/* One sequence. */
struct seq {
	struct prop *P;
	struct rng r;
	uint64_t seed;
	struct cn_app *app;
	int64_t now;
	struct dkey keys[MAX_KEYS];
	unsigned nextid;    /* for office ids and titles */
	int64_t nevents;    /* in the store when the history ends */
	struct cn_app *ro;  /* the auditor's read-only app, once written */
	struct rng ar;      /* the audience export's own draws */
};

static const struct cn_world *W(struct seq *s)
{
	return cn_app_world(s->app);
}

/* ---- commands -------------------------------------------------------------- */

static const char *const bodies[] = {"NAC", "NPG", "MC", "DPC"};
static const char *const levels[] = {
	"permanent-representatives", "foreign-ministers", "defence-ministers",
	"heads-of-state-and-government",
};
/* Texts that exercise the canonical encoding: quotes, backslashes,
 * control characters and non-ASCII (escaped as \uXXXX in the bytes). */
static const char *const texts[] = {
	"on record", "réserve d'attente", "a letter: \"not now\"",
	"C:\\archive\\1966", "Türkiye — ✓", "two\nlines\tand a tab",
	"instructions awaited", "geography is stubborn",
};
/* Candidates for admission, and countries offices open in: XK first. */
static const char *const candidates[] = {
	"XK", "UA", "GE", "BA", "MD", "RS", "IE", "AT", "CH", "CY", "MT",
};
static const char *const countries[] = {
	"XK", "XK", "UA", "GE", "JP", "KR", "BE", "US", "KW", "ET", "BR", "AU",
};
static const char *const new_partners[] = {
	"BR", "IN", "ZA", "SG", "CL", "AR", "MX", "ID", "XK", "CY",
};

struct key_args {
	const char *member, *vkey;
};

static int cmd_register_key(const struct cn_world *w, int64_t now,
			    const void *a, struct cn_outbox *box,
			    struct cn_err *err)
{
	const struct key_args *k = a;
	return cn_cmd_register_key(w, now, k->member, k->vkey, box, err);
}

/* Run one command; a refusal is part of the history (it must change
 * nothing), anything else fails the test. */
static int run(struct seq *s, const char *actor, cn_command_fn fn,
	       const void *args)
{
	struct cn_err err = {0};
	size_t n = 0;
	int rc = cn_app_run(s->app, s->now, actor, fn, args, &n, &err);

	s->P->n.tried++;
	if (rc == CN_EINVAL || rc == CN_ENOTFOUND || rc == CN_EREFUSED ||
	    rc == CN_ECONCLUDED)
		return rc;
	if (rc)
		fail_msg("seed %llu: a command failed with %d: %s",
			 (unsigned long long)s->seed, rc, err.msg);
	s->P->n.accepted++;
	s->P->n.events += n;
	return 0;
}

/* Open, and (mostly) not about to be concluded by the clock: a refused
 * command costs the app a reload, so refusals are kept to a few. */
static int is_open(const struct seq *s, const struct cn_proposal *p, int proc)
{
	return !p->concluded && (proc < 0 || (int)p->proc == proc) &&
	       (p->proc != CN_PROC_SILENCE || p->deadline > s->now);
}

static const struct cn_proposal *open_proposal(struct seq *s, int proc)
{
	const struct cn_world *w = W(s);
	size_t open = 0, k;

	/* An empty slot is a concluded proposal its pager holds (world.h):
	 * never open. */
	for (size_t i = 0; i < w->nproposals; i++)
		open += w->proposals[i] && is_open(s, w->proposals[i], proc);
	if (!open)
		return NULL;
	k = below(&s->r, open);
	for (size_t i = 0; i < w->nproposals; i++)
		if (w->proposals[i] && is_open(s, w->proposals[i], proc) &&
		    k-- == 0)
			return w->proposals[i];
	return NULL;
}

/* An effect for a new proposal. */
static json_t *random_effect(struct seq *s)
{
	const struct cn_world *w = W(s);
	char id[32], date[CN_TIME_BUF];
	int64_t eff;

	switch (below(&s->r, 4)) {
	case 0: {
		json_t *e;
		snprintf(id, sizeof(id), "office-%u", ++s->nextid);
		e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "open-office",
			      "id", id, "name", id, "city", "Somewhere",
			      "country", PICK(&s->r, countries));
		if (chance(&s->r, 50)) {
			json_object_set_new(e, "lat", json_string(chance(&s->r, 50)
								  ? "42.6629" : "8.9806"));
			json_object_set_new(e, "lon", json_string("21.1655"));
		}
		return e;
	}
	case 1: {
		/* An office open now, from the dataset or an earlier decision. */
		size_t n = w->noffices, k = below(&s->r, n ? n : 1);
		for (size_t i = 0; i < n; i++) {
			const struct cn_office *o = &w->offices[(k + i) % n];
			if (cn_office_open(o, s->now))
				return json_pack("{s:s, s:s}", "type",
						 "close-office", "id", o->id);
		}
		return json_pack("{s:s, s:s}", "type", "close-office", "id",
				 "no-such-office");
	}
	case 2: {
		/* Effective up to three years before now (the XK case) or a
		 * year after. */
		eff = s->now - 3 * 365 * 86400LL +
		      (int64_t)below(&s->r, 4 * 365) * 86400;
		const char *code = PICK(&s->r, candidates);
		const struct cn_partner *pa = cn_world_partner(w, code);
		/* Not before a partnership the candidate has: adopted, such
		 * an admission fails the command (a defect of the effects'
		 * checks, reported with issue 9, not verify's). */
		if (pa && pa->since != CN_TIME_NONE && eff <= pa->since)
			eff = pa->since + 86400;
		cn_date_format(eff, date);
		return json_pack("{s:s, s:s, s:s, s:s}", "type", "admit-member",
				 "code", code, "name", "Candidate",
				 "effective", date);
	}
	default:
		return json_pack("{s:s, s:s, s:s, s:s}", "type", "add-partner",
				 "code", PICK(&s->r, new_partners), "name", "Partner",
				 "framework", "partners across the globe");
	}
}

static void do_propose(struct seq *s)
{
	char title[48], deadline[CN_TIME_BUF];
	struct cn_propose_args a = {0};
	json_t *effects = NULL;
	unsigned pr = (unsigned)below(&s->r, 100);

	a.body = PICK(&s->r, bodies);
	/* The DPC was dissolved in 2010: mostly ask a body that exists. */
	if (!strcmp(a.body, "DPC") && s->now >= fx_t("2010-06-01") &&
	    chance(&s->r, 95))
		a.body = "NAC";
	snprintf(title, sizeof(title), "Item %u", ++s->nextid);
	a.title = title;
	a.text = chance(&s->r, 70) ? PICK(&s->r, texts) : NULL;
	a.procedure = pr < 35 ? NULL : pr < 55 ? "meeting"
		      : pr < 82 ? "silence" : "ratification";
	if (a.procedure && !strcmp(a.procedure, "silence")) {
		cn_time_format(s->now + 3600 + (int64_t)below(&s->r, 7 * 86400), deadline);
		a.deadline = deadline;
	}
	if ((!a.procedure || !strcmp(a.procedure, "meeting")) && chance(&s->r, 30))
		a.level = PICK(&s->r, levels);
	if (chance(&s->r, 20))
		a.place = "Vilnius";
	a.shared = chance(&s->r, 30);
	if (chance(&s->r, 40)) {
		effects = json_array();
		json_array_append_new(effects, random_effect(s));
		if (chance(&s->r, 25))
			json_array_append_new(effects, random_effect(s));
		a.effects = effects;
	}
	run(s, "secretariat", cn_app_cmd_propose, &a);
	json_decref(effects);
}

static struct dkey *key_of(struct seq *s, const char *code)
{
	for (unsigned i = 0; i < MAX_KEYS; i++)
		if (s->keys[i].used && !strcmp(s->keys[i].code, code))
			return &s->keys[i];
	return NULL;
}

static void do_register_key(struct seq *s)
{
	const struct cn_world *w = W(s);
	char code[CN_CODE_MAX], name[32], *vkey = NULL;
	uint8_t seed[32], pk[32], sk[64];
	struct cn_err err = {0};
	struct dkey *k;

	/* A member now, mostly; a copy: the clock may admit a member
	 * before the command runs, and the registry's arrays move. */
	size_t at = below(&s->r, w->nmembers);
	for (size_t i = 0; i < w->nmembers && chance(&s->r, 95); i++)
		if (cn_member_active(&w->members[(at + i) % w->nmembers], s->now)) {
			at = (at + i) % w->nmembers;
			break;
		}
	snprintf(code, sizeof(code), "%s", w->members[at].code);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)rnd(&s->r);
	crypto_sign_seed_keypair(pk, sk, seed);
	snprintf(name, sizeof(name), "%s-%u", code, ++s->nextid);
	if (cn_note_vkey_encode(name, pk, &vkey, &err))
		fail_msg("vkey: %s", err.msg);
	struct key_args a = {code, vkey};
	if (run(s, "secretariat", cmd_register_key, &a) == 0) {
		if (!(k = key_of(s, code)))
			for (unsigned i = 0; i < MAX_KEYS && !k; i++)
				if (!s->keys[i].used)
					k = &s->keys[i];
		if (!k) {
			/* cmocka's fail_msg is not noreturn: leave by
			 * hand, so an optimising build sees no NULL use. */
			fail_msg("no free key slot for %s", code);
			free(vkey);
			return;
		}
		snprintf(k->code, sizeof(k->code), "%s", code);
		memcpy(k->sk, sk, sizeof(sk));
		k->used = 1;
	}
	free(vkey);
}

/* The delegation's signature over what it states (signature.h). */
static char *sign(const struct cn_proposal *p, const struct cn_respond_args *a,
		  const uint8_t sk[64])
{
	const char *pn = a->act == CN_ACT_LIFT ? "lift"
			 : a->act == CN_ACT_COMMENT ? "comment" : cn_pos_name(a->pos);
	struct cn_err err = {0};
	uint8_t sig[crypto_sign_BYTES];
	char *msg = NULL, *out;
	size_t len;

	if (cn_position_message(p->id, p->revision, a->member, pn,
				a->act == CN_ACT_LIFT ? NULL : a->text, a->declared,
				&msg, &len, &err))
		fail_msg("position message: %s", err.msg);
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, len, sk);
	free(msg);
	out = malloc(sodium_base64_ENCODED_LEN(sizeof(sig),
					       sodium_base64_VARIANT_ORIGINAL));
	assert_non_null(out);
	sodium_bin2base64(out, sodium_base64_ENCODED_LEN(sizeof(sig),
				sodium_base64_VARIANT_ORIGINAL), sig, sizeof(sig),
			  sodium_base64_VARIANT_ORIGINAL);
	return out;
}

static void do_respond(struct seq *s)
{
	const struct cn_proposal *p = open_proposal(s, -1);
	const struct cn_world *w = W(s);
	struct cn_respond_args a = {0};
	const struct cn_ballot *b = NULL;
	char actor[32], code[CN_CODE_MAX], *sig = NULL;
	unsigned k = (unsigned)below(&s->r, 100);
	struct dkey *key;

	if (!p) {
		do_propose(s);
		return;
	}
	a.proposal = p->id;
	/* A lift: mostly by a delegation that holds a reservation. */
	if (k >= 8 && k < 30 && p->nballots) {
		size_t at = below(&s->r, p->nballots);
		for (size_t i = 0; i < p->nballots && !b; i++)
			if (p->ballots[(at + i) % p->nballots].pos == CN_POS_RESERVE)
				b = &p->ballots[(at + i) % p->nballots];
	}
	/* Codes copied: the clock may change the registry first. */
	if (b || (chance(&s->r, 90) && p->nballots)) {
		if (!b)
			b = &p->ballots[below(&s->r, p->nballots)];
		snprintf(code, sizeof(code), "%s", b->code);
	} else if (chance(&s->r, 50))
		snprintf(code, sizeof(code), "%s",
			 w->members[below(&s->r, w->nmembers)].code);
	else
		snprintf(code, sizeof(code), "%s",
			 w->partners[below(&s->r, w->npartners)].code);
	a.member = code;
	if (k < 8)
		a.act = CN_ACT_COMMENT;
	else if ((k < 30 && (!b || b->pos == CN_POS_RESERVE || k < 10)) ||
		 (b && b->pos == CN_POS_RESERVE && k < 50))
		a.act = CN_ACT_LIFT;
	else {
		static const enum cn_pos pos[] = {
			CN_POS_CONCUR, CN_POS_CONCUR, CN_POS_CONCUR, CN_POS_OBJECT,
			CN_POS_OBJECT, CN_POS_ABSTAIN, CN_POS_ABSTAIN,
			CN_POS_RESERVE, CN_POS_RESERVE, CN_POS_FOOTNOTE,
		};
		a.act = CN_ACT_POSITION;
		a.pos = PICK(&s->r, pos);
		a.declared = a.pos == CN_POS_ABSTAIN && chance(&s->r, 50);
	}
	if (a.act != CN_ACT_LIFT &&
	    (a.act == CN_ACT_COMMENT || a.pos == CN_POS_FOOTNOTE ||
	     a.pos == CN_POS_OBJECT || chance(&s->r, 40)))
		a.text = PICK(&s->r, texts);
	if ((key = key_of(s, a.member)) && chance(&s->r, 60)) {
		if (chance(&s->r, 8)) {
			/* Signed with a key that is not the delegation's:
			 * refused. */
			uint8_t seed[32], pk[32], other[64];
			for (size_t i = 0; i < sizeof(seed); i++)
				seed[i] = (uint8_t)rnd(&s->r);
			crypto_sign_seed_keypair(pk, other, seed);
			sig = sign(p, &a, other);
		} else
			sig = sign(p, &a, key->sk);
		a.signature = sig;
	}
	snprintf(actor, sizeof(actor), "delegation:%s", a.member);
	run(s, actor, cn_app_cmd_respond, &a);
	free(sig);
}

static void do_secretariat(struct seq *s)
{
	struct cn_app_secretariat_args a = {0};
	char deadline[CN_TIME_BUF];
	const struct cn_proposal *p;
	unsigned k = (unsigned)below(&s->r, 100);

	if (k < 30 && (p = open_proposal(s, CN_PROC_SILENCE))) {
		/* Extend, sometimes to a time that is not later: refused. */
		a.proposal = p->id;
		cn_time_format((chance(&s->r, 85) ? p->deadline : s->now) + 3600 +
			 (int64_t)below(&s->r, 5 * 86400), deadline);
		a.deadline = deadline;
		run(s, "secretariat", cn_app_cmd_extend, &a);
	} else if (k < 55 && (p = open_proposal(s, CN_PROC_SILENCE))) {
		a.proposal = p->id;
		a.text = PICK(&s->r, texts);
		cn_time_format(s->now + 3600 + (int64_t)below(&s->r, 7 * 86400), deadline);
		a.deadline = deadline;
		run(s, "secretariat", cn_app_cmd_recirculate, &a);
	} else if (k < 88 && (p = open_proposal(s, chance(&s->r, 95)
						     ? CN_PROC_MEETING : -1))) {
		a.proposal = p->id;
		run(s, "secretariat", cn_app_cmd_conclude, &a);
	} else if ((p = open_proposal(s, -1))) {
		a.proposal = p->id;
		a.reason = chance(&s->r, 50) ? PICK(&s->r, texts) : NULL;
		run(s, "secretariat", cn_app_cmd_withdraw, &a);
	} else
		do_propose(s);
}

/* The clock: to just past the earliest open silence deadline. */
static void do_tick(struct seq *s)
{
	const struct cn_world *w = W(s);
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < w->nproposals; i++) {
		const struct cn_proposal *p = w->proposals[i]; /* NULL: paged */
		if (p && !p->concluded && p->proc == CN_PROC_SILENCE &&
		    p->deadline < next)
			next = p->deadline;
	}
	if (next != INT64_MAX && next > s->now)
		s->now = next + (int64_t)below(&s->r, 2 * 86400);
	run(s, "clock", cn_app_cmd_tick, NULL);
}

/* The XK case (issue 9): an office opened in XK by decision, then XK
 * admitted with an accession date before that decision. */
static void xk_case(struct seq *s)
{
	json_t *office = json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "type",
				   "open-office", "id", "office-xk", "name",
				   "Office in XK", "city", "Pristina", "country", "XK");
	char eff[CN_TIME_BUF];
	cn_date_format(s->now - 30 * 86400, eff);
	json_t *admit = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "admit-member",
				  "code", "XK", "name", "Kosovo", "effective", eff);
	struct cn_propose_args p1 = {.body = "NAC", .title = "Office in XK",
				     .effects = office};
	struct cn_propose_args p2 = {.body = "NAC", .title = "Admit XK",
				     .effects = admit};
	const int64_t first = (int64_t)W(s)->nproposals + 1;
	struct cn_app_secretariat_args c1 = {.proposal = first},
				      c2 = {.proposal = first + 1};

	assert_int_equal(run(s, "secretariat", cn_app_cmd_propose, &p1), 0);
	s->now += 86400;
	assert_int_equal(run(s, "secretariat", cn_app_cmd_conclude, &c1), 0);
	s->now += 86400;
	assert_int_equal(run(s, "secretariat", cn_app_cmd_propose, &p2), 0);
	s->now += 86400;
	assert_int_equal(run(s, "secretariat", cn_app_cmd_conclude, &c2), 0);
	json_decref(office);
	json_decref(admit);
	assert_non_null(cn_world_member(W(s), "XK"));
}

/* A ratification carried through: every member of the electorate
 * ratifies, signed when it has a key, and the last one adopts it (with
 * its effects). */
static void ratify_all(struct seq *s)
{
	const struct cn_proposal *p = open_proposal(s, CN_PROC_RATIFICATION);
	int64_t id;

	if (!p) {
		struct cn_propose_args a = {.body = "NAC", .title = "Ratify",
					    .procedure = "ratification"};
		json_t *effects = json_array();
		json_array_append_new(effects, random_effect(s));
		a.effects = effects;
		s->now += 3600;
		run(s, "secretariat", cn_app_cmd_propose, &a);
		json_decref(effects);
		if (!(p = open_proposal(s, CN_PROC_RATIFICATION)))
			return;
	}
	id = p->id;
	for (size_t i = 0; (p = cn_world_proposal(W(s), id)) && !p->concluded &&
			   i < p->nballots; i++) {
		struct cn_respond_args a = {.proposal = id, .act = CN_ACT_POSITION,
					    .pos = CN_POS_CONCUR};
		char code[CN_CODE_MAX], actor[32], *sig = NULL;
		struct dkey *key;
		if (p->ballots[i].pos == CN_POS_CONCUR)
			continue;
		snprintf(code, sizeof(code), "%s", p->ballots[i].code);
		a.member = code;
		if ((key = key_of(s, code)))
			a.signature = sig = sign(p, &a, key->sk);
		snprintf(actor, sizeof(actor), "delegation:%s", code);
		s->now += 60;
		run(s, actor, cn_app_cmd_respond, &a);
		free(sig);
	}
	if ((p = cn_world_proposal(W(s), id)) && p->outcome &&
	    !strcmp(p->outcome, "adopted"))
		s->P->n.ratified++;
}

static void step(struct seq *s)
{
	unsigned k = (unsigned)below(&s->r, 100);

	/* Time moves on by up to three days; sometimes not at all. */
	if (chance(&s->r, 85))
		s->now += 60 + (int64_t)below(&s->r, 3 * 86400);
	if (k < 22)
		do_propose(s);
	else if (k < 62)
		do_respond(s);
	else if (k < 82)
		do_secretariat(s);
	else if (k < 91)
		do_tick(s);
	else
		do_register_key(s);
}

/* ---- verifying ---------------------------------------------------------------- */

/* `council verify` of the file: open it read-only (which replays the log)
 * and verify; vkey NULL uses the key the store names. */
static int verify_file(const char *path, const char *vkey, struct cn_err *err)
{
	struct cn_app *app = NULL;
	int64_t n, ncp;
	int rc = cn_app_open(path, CN_STORE_READONLY, &app, err);

	if (rc == 0) {
		rc = cn_app_verify(app, vkey, &n, &ncp, err);
		cn_app_close(app);
	}
	return rc;
}

/* `log export` (audience NULL: the secretariat's, everything in full;
 * else `--for` it, with the registry as of now). */
static void export_file(struct cn_app *app, const char *path,
			const struct cn_audience *audience, int64_t now)
{
	struct cn_err err = {0};
	FILE *f = fopen(path, "w");

	if (!f)
		fail_msg("cannot write %s", path);
	if (cn_app_export(app, f, audience, now, &err))
		fail_msg("export: %s", err.msg);
	fclose(f);
}

/* The sequence's audience, by its seed: the public, a member (one of the
 * NPG's or FR, who is not in it) or a partner, from the registry now. */
static void pick_audience(struct seq *s, struct cn_audience *a)
{
	const struct cn_world *w = W(s);

	memset(a, 0, sizeof(*a));
	switch (s->seed % 3) {
	case 0:
		a->role = CN_ROLE_PUBLIC;
		break;
	case 1: {
		size_t at = below(&s->ar, w->nmembers);
		a->role = CN_ROLE_MEMBER;
		for (size_t i = 0; i < w->nmembers; i++)
			if (cn_member_active(&w->members[(at + i) % w->nmembers],
					     s->now)) {
				at = (at + i) % w->nmembers;
				break;
			}
		snprintf(a->code, sizeof(a->code), "%s", chance(&s->ar, 25) &&
			 cn_world_member(w, "FR") ? "FR" : w->members[at].code);
		break;
	}
	default:
		a->role = CN_ROLE_PARTNER;
		snprintf(a->code, sizeof(a->code), "%s",
			 w->partners[below(&s->ar, w->npartners)].code);
	}
}

/* An export for the sequence's audience verifies, with the published key,
 * and counts every event, hidden ones as commitments. */
static void verify_audience_export(struct seq *s, const struct cn_audience *a)
{
	struct prop *P = s->P;
	struct cn_export_stats stx;
	struct cn_err err = {0};
	char name[32];

	cn_audience_name(a, name, sizeof(name));
	if (cn_verify_export(P->aexp, P->vkey, &stx, &err))
		fail_msg("seed %llu: verify of an untouched export for %s: %s",
			 (unsigned long long)s->seed, name, err.msg);
	assert_int_equal(stx.events, s->nevents);
	assert_string_equal(stx.audience, name);
	P->n.aud[a->role]++;
	P->n.commitments += (unsigned long)stx.commitments;
}

/* ---- snapshots (issue 14) ---------------------------------------------------- */

struct upto {
	struct cn_world *w;
	int64_t seq;
};

static int fold_upto(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct upto *u = ctx;
	if (ev->seq > u->seq)
		return 1; /* stops the scan */
	return cn_world_apply(u->w, ev, err);
}

static int fold_all(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	return cn_world_apply(ctx, ev, err);
}

/* Every projection row of a world, as text, one table after another. */
static int row_text(void *ctx, const struct cn_row *row, struct cn_err *err)
{
	struct cn_buf *b = ctx;
	(void)err;
	cn_buf_printf(b, "%u", (unsigned)row->table);
	for (unsigned i = 0; i < cn_tables[row->table].ncols; i++) {
		const struct cn_value *v = &row->v[i];
		if (v->type == CN_VAL_INT)
			cn_buf_printf(b, "|%lld", (long long)v->i);
		else if (v->type == CN_VAL_TEXT) {
			cn_buf_puts(b, "|'");
			cn_buf_add(b, v->s, v->len);
		} else
			cn_buf_puts(b, "|-");
	}
	cn_buf_puts(b, "\n");
	return 0;
}

static char *rows_of_world(const struct cn_world *w)
{
	struct cn_buf b = CN_BUF_INIT;
	struct cn_err err = {0};
	char *out;

	for (int t = 0; t < CN_TAB_COUNT; t++)
		if (cn_projection_rows(w, (enum cn_table)t, row_text, &b, &err))
			fail_msg("projection rows: %s", err.msg);
	assert_int_equal(cn_buf_finish(&b, &out), 0);
	return out;
}

/* A world restored from a snapshot taken at a random event of the history
 * (its own draws: the sequence's are left as they were), plus the events
 * after it, is the world folded from the whole log: the same snapshot
 * bytes, the same projection rows.  And the snapshot itself decodes to a
 * world that encodes to it again. */
static void snapshot_restores(struct seq *s)
{
	struct rng r = {s->seed ^ 0x5eedf00dULL};
	const struct cn_world *full = W(s);
	struct cn_store *st = cn_app_store(s->app);
	struct cn_err err = {0};
	struct cn_world mid, back;
	struct upto u = {&mid, (int64_t)below(&r, (uint64_t)full->last_seq) + 1};
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen;
	char *ra, *rb;
	int rc;

	cn_world_init(&mid);
	rc = cn_store_scan(st, 1, fold_upto, &u, &err);
	if (rc < 0 || mid.last_seq != u.seq)
		fail_msg("seed %llu: fold to %lld: %s", (unsigned long long)s->seed,
			 (long long)u.seq, err.msg);
	if (cn_snapshot_encode(&mid, &a, &alen, &err) ||
	    cn_snapshot_decode(a, alen, &back, &err))
		fail_msg("seed %llu: snapshot at %lld: %s", (unsigned long long)s->seed,
			 (long long)u.seq, err.msg);
	cn_world_release(&mid);
	assert_int_equal(cn_snapshot_encode(&back, &b, &blen, &err), 0);
	if (alen != blen || memcmp(a, b, alen))
		fail_msg("seed %llu: the snapshot at %lld decodes to another world",
			 (unsigned long long)s->seed, (long long)u.seq);
	free(a);
	free(b);
	if (cn_store_scan(st, u.seq + 1, fold_all, &back, &err))
		fail_msg("seed %llu: the tail after %lld: %s",
			 (unsigned long long)s->seed, (long long)u.seq, err.msg);
	assert_int_equal(cn_snapshot_encode(&back, &a, &alen, &err), 0);
	assert_int_equal(cn_snapshot_encode(full, &b, &blen, &err), 0);
	if (alen != blen || memcmp(a, b, alen))
		fail_msg("seed %llu: restored at %lld plus the tail is not the "
			 "folded world", (unsigned long long)s->seed, (long long)u.seq);
	ra = rows_of_world(&back);
	rb = rows_of_world(full);
	if (strcmp(ra, rb))
		fail_msg("seed %llu: restored at %lld: the projections differ",
			 (unsigned long long)s->seed, (long long)u.seq);
	free(ra);
	free(rb);
	free(a);
	free(b);
	cn_world_release(&back);
	s->P->n.snapshots++;
}

/* The untouched store verifies, through the writer and read-only, with
 * its own key and the published one; so does its export. */
static void verify_untouched(struct seq *s)
{
	struct prop *P = s->P;
	struct cn_err err = {0};
	struct cn_export_stats stx;
	int64_t n, ncp;

	snapshot_restores(s);
	if (cn_app_verify(s->app, NULL, &n, &ncp, &err))
		fail_msg("seed %llu: the writer's verify of an untouched store: %s",
			 (unsigned long long)s->seed, err.msg);
	assert_int_equal(n, W(s)->last_seq);
	s->nevents = n;
	export_file(s->app, P->exp, NULL, s->now);
	struct cn_audience aud;
	pick_audience(s, &aud);
	export_file(s->app, P->aexp, &aud, s->now);
	cn_app_close(s->app);
	s->app = NULL;
	/* As an auditor would: read-only, with the published key.  The app
	 * stays open for the changes to come (each verify reads the store
	 * afresh, in its own read transaction). */
	if (cn_app_open(P->db, CN_STORE_READONLY, &s->ro, &err) ||
	    cn_app_verify(s->ro, P->vkey, &n, &ncp, &err))
		fail_msg("seed %llu: verify of an untouched store with the "
			 "published key: %s", (unsigned long long)s->seed, err.msg);
	if (cn_verify_export(P->exp, P->vkey, &stx, &err))
		fail_msg("seed %llu: verify of an untouched export: %s",
			 (unsigned long long)s->seed, err.msg);
	assert_int_equal(stx.events, n);
	assert_int_equal(stx.commitments, 0);
	verify_audience_export(s, &aud);
	if (s->seed % 4 == 0 && cn_verify_export(P->exp, NULL, &stx, &err))
		fail_msg("seed %llu: verify of an untouched export with the key "
			 "it names: %s", (unsigned long long)s->seed, err.msg);
}

/* The number after the first occurrence of `word ` in msg, or -1. */
static long long first_number(const char *msg, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(msg, word); p; p = strstr(p + 1, word))
		if (p[n] == ' ' && p[n + 1] >= '0' && p[n + 1] <= '9' &&
		    (p == msg || p[-1] == ' ' || p[-1] == '('))
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

/* ---- changes to the store ----------------------------------------------------- */

enum kind { K_TEXT, K_BLOB, K_INT };

/* A column some change may hit. */
struct column {
	char table[24], col[24];
	enum kind kind;
	int key;           /* part of the row's key (what names it) */
	unsigned group;    /* 0 the events, 1 the tree, checkpoints and key, 2 projections */
	const char *only;  /* the rows to change, when not all */
	unsigned long hits[3]; /* at its start, middle, end */
	unsigned long empty;   /* tries that met only NULL or empty values */
};

#define MAX_COLS 64
static struct column cols[MAX_COLS];
static unsigned ncols;

static void add_column(unsigned group, const char *table, const char *col,
		       enum kind kind, int key, const char *only)
{
	assert_true(ncols < MAX_COLS);
	snprintf(cols[ncols].table, sizeof(cols[ncols].table), "%s", table);
	snprintf(cols[ncols].col, sizeof(cols[ncols].col), "%s", col);
	cols[ncols].kind = kind;
	cols[ncols].key = key;
	cols[ncols].group = group;
	cols[ncols].only = only;
	ncols++;
}

/* Every column of the record.  Not changed: the meta counters
 * (registry_seq, tokens_seq only tell readers to refresh) and the tokens
 * (credentials kept beside the log, not part of it). */
static void init_columns(void)
{
	memset(cols, 0, sizeof(cols));
	ncols = 0;
	add_column(0, "events", "bytes", K_TEXT, 0, NULL);
	add_column(0, "events", "salt", K_BLOB, 0, NULL);
	add_column(0, "events", "hash", K_BLOB, 0, NULL);
	/* Kept beside the bytes for lookups (a proposal's events). */
	add_column(0, "events", "type", K_TEXT, 0, NULL);
	add_column(0, "events", "proposal", K_INT, 0, NULL);
	add_column(1, "merkle_nodes", "level", K_INT, 1, NULL);
	add_column(1, "merkle_nodes", "idx", K_INT, 1, NULL);
	add_column(1, "merkle_nodes", "hash", K_BLOB, 0, NULL);
	add_column(1, "checkpoints", "size", K_INT, 1, NULL);
	add_column(1, "checkpoints", "root", K_BLOB, 0, NULL);
	add_column(1, "checkpoints", "note", K_TEXT, 0, NULL);
	add_column(1, "meta", "value", K_TEXT, 0, "key = 'log_vkey'");
	for (unsigned t = 0; t < CN_TAB_COUNT; t++)
		for (unsigned c = 0; c < cn_tables[t].ncols; c++)
			add_column(2, cn_tables[t].name, cn_tables[t].cols[c].name,
				   cn_tables[t].cols[c].type == CN_VAL_INT ? K_INT
									   : K_TEXT,
				   c < cn_tables[t].nkey, NULL);
}

/* A row: by rowid, or by (level, idx) for the Merkle nodes (a table
 * without rowid). */
struct rowref {
	int64_t a, b;
};

static int is_nodes(const struct column *c)
{
	return !strcmp(c->table, "merkle_nodes");
}

static void where(const struct column *c, const struct rowref *r, char *out,
		  size_t n)
{
	if (is_nodes(c))
		snprintf(out, n, "level = %lld AND idx = %lld", (long long)r->a,
			 (long long)r->b);
	else
		snprintf(out, n, "rowid = %lld", (long long)r->a);
}

/* Every row of c's table. */
static size_t rows_of(sqlite3 *db, const struct column *c, struct rowref **out)
{
	char sql[192];
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	struct rowref *v = NULL;

	/* Only rows whose value has a byte to change. */
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE length(%s) > 0"
		 " AND %s ORDER BY 1, 2", is_nodes(c) ? "level, idx" : "rowid, 0",
		 c->table, c->col, c->only ? c->only : "1");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n].a = sqlite3_column_int64(st, 0);
		v[n].b = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_finalize(st);
	*out = v;
	return n;
}

/* One value as stored: its type, bytes or integer. */
struct value {
	int type;          /* SQLITE_TEXT, SQLITE_BLOB, SQLITE_INTEGER, SQLITE_NULL */
	uint8_t *b;
	size_t n;
	int64_t i;
};

static void value_read(sqlite3 *db, const struct column *c,
		       const struct rowref *r, struct value *v)
{
	char sql[256], w[96];
	sqlite3_stmt *st;

	where(c, r, w, sizeof(w));
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s", c->col, c->table, w);
	memset(v, 0, sizeof(*v));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	v->type = sqlite3_column_type(st, 0);
	if (v->type == SQLITE_INTEGER)
		v->i = sqlite3_column_int64(st, 0);
	else if (v->type == SQLITE_TEXT || v->type == SQLITE_BLOB) {
		const void *p = v->type == SQLITE_TEXT
			? (const void *)sqlite3_column_text(st, 0)
			: sqlite3_column_blob(st, 0);
		v->n = (size_t)sqlite3_column_bytes(st, 0);
		v->b = malloc(v->n + 1);
		assert_non_null(v->b);
		if (v->n)
			memcpy(v->b, p, v->n);
		v->b[v->n] = '\0';
	}
	sqlite3_finalize(st);
}

/* Write v into the row; returns the SQLite result (a changed key may
 * collide with another row's). */
static int value_write(sqlite3 *db, const struct column *c,
		       const struct rowref *r, const struct value *v)
{
	char sql[256], w[96];
	sqlite3_stmt *st;
	int rc;

	where(c, r, w, sizeof(w));
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s", c->table,
		 c->col, w);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (v->type == SQLITE_INTEGER)
		sqlite3_bind_int64(st, 1, v->i);
	else if (v->type == SQLITE_TEXT)
		sqlite3_bind_text(st, 1, (const char *)v->b, (int)v->n,
				  SQLITE_TRANSIENT);
	else
		sqlite3_bind_blob(st, 1, v->b, (int)v->n, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && sqlite3_changes(db) != 1)
		fail_msg("%s changed %d rows", sql, sqlite3_changes(db));
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A byte other than `old`: half the time one of its own kind (a digit for
 * a digit, a letter for a letter, a hex digit for a hex digit), which
 * keeps the text well formed longest; else any printable character, or
 * any byte at all. */
static uint8_t other_byte(struct rng *r, uint8_t old)
{
	static const char *const classes[] = {
		"0123456789", "abcdef", "ABCDEF", "abcdefghijklmnopqrstuvwxyz",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"+/=", " \"\\:,{}[]",
	};
	for (int tries = 0; tries < 64; tries++) {
		uint8_t b;
		unsigned k = (unsigned)below(r, 100);
		if (k < 50) {
			const char *cls = NULL;
			for (size_t i = 0; i < sizeof(classes) / sizeof(*classes) && !cls; i++)
				if (old && strchr(classes[i], old))
					cls = classes[i];
			if (!cls)
				continue;
			b = (uint8_t)cls[below(r, strlen(cls))];
		} else if (k < 80)
			b = (uint8_t)(0x20 + below(r, 0x5f));
		else
			b = (uint8_t)below(r, 256);
		if (b != old)
			return b;
	}
	return (uint8_t)(old ^ 0x01);
}

/* Where in a value of n bytes: its start, middle or end. */
static size_t offset_in(struct rng *r, size_t n, unsigned where)
{
	if (n <= 6)
		return below(r, n);
	if (where == 0)
		return below(r, 3);
	if (where == 2)
		return n - 1 - below(r, 3);
	return 3 + below(r, n - 6);
}

/* The changed value; *what describes the change. */
static void mutate_value(struct rng *r, const struct value *old, unsigned pos,
			 struct value *nv, char *what, size_t wn)
{
	*nv = *old;
	if (old->type == SQLITE_INTEGER) {
		/* One byte of the stored integer (two's complement, least
		 * significant first): start is the low byte, end the high. */
		unsigned k = pos == 0 ? 0 : pos == 2 ? 7 : 1 + (unsigned)below(r, 6);
		uint64_t u = (uint64_t)old->i;
		uint8_t ob = (uint8_t)(u >> (8 * k)), nb;
		/* Small integers are most plausible: mostly keep them small. */
		nb = k == 0 ? other_byte(r, ob) : (uint8_t)(ob ^ (1u << below(r, 8)));
		if (nb == ob)
			nb ^= 1;
		u = (u & ~((uint64_t)0xff << (8 * k))) | ((uint64_t)nb << (8 * k));
		nv->i = (int64_t)u;
		snprintf(what, wn, "integer %lld -> %lld (byte %u)",
			 (long long)old->i, (long long)nv->i, k);
		nv->b = NULL;
		return;
	}
	size_t at = offset_in(r, old->n, pos);
	nv->b = malloc(old->n + 1);
	assert_non_null(nv->b);
	memcpy(nv->b, old->b, old->n);
	nv->b[at] = other_byte(r, old->b[at]);
	snprintf(what, wn, "byte %zu of %zu: 0x%02x -> 0x%02x", at, old->n,
		 old->b[at], nv->b[at]);
}

/* Event types of the sequence's store, by sequence number. */
struct typemap {
	int *type;         /* enum cn_ev, -1 unknown */
	size_t n;
};

static void read_types(sqlite3 *db, struct typemap *tm)
{
	sqlite3_stmt *st;
	const char *sql = "SELECT seq, json_extract(bytes, '$.type') FROM events"
			  " ORDER BY seq";
	memset(tm, 0, sizeof(*tm));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct cn_event_type *t =
			cn_event_type_find((const char *)sqlite3_column_text(st, 1));
		size_t seq = (size_t)sqlite3_column_int64(st, 0);
		if (seq >= tm->n) {
			tm->type = realloc(tm->type, (seq + 1) * sizeof(int));
			assert_non_null(tm->type);
			for (size_t i = tm->n; i <= seq; i++)
				tm->type[i] = -1;
			tm->n = seq + 1;
		}
		tm->type[seq] = t ? (int)t->id : -1;
	}
	sqlite3_finalize(st);
}

/* The type to change an event of, given the types of the log's events
 * (the first `seeded` from the dataset): `type` when the log has one,
 * else the rarest type among the history's own events, so that rare
 * types get their turn too.  Rarest types tie often (one event each):
 * the tie goes to the first from a place that turns with the seed, not
 * always to the lowest type, or a rare type that ties with a lower one
 * in every history holding it is never chosen (text.recirculated over a
 * 200-sequence run from base 2752623841).  Still a function of the seed
 * alone, so that a sequence replays the same changes. */
static int rarest(const int *types, size_t n, size_t seeded, int type,
		  uint64_t seed)
{
	size_t count[CN_EV_COUNT] = {0}, least = SIZE_MAX;
	const int from = (int)(seed % CN_EV_COUNT);
	int t = -1;

	for (size_t i = 0; i < n; i++)
		if (types[i] >= 0 && (i >= seeded || types[i] == type))
			count[types[i]]++;
	if (type >= 0 && count[type])
		return type;
	for (int j = 0; j < CN_EV_COUNT; j++) {
		int k = (from + j) % CN_EV_COUNT;
		if (count[k] && count[k] < least) {
			least = count[k];
			t = k;
		}
	}
	return t;
}

/* An event row of that type (the rows are the events in order, so row
 * q - 1 is event q). */
static size_t pick_event(struct seq *s, const struct typemap *tm, int type,
			 size_t nrows)
{
	size_t n = 0, k;

	type = rarest(tm->type + 1, tm->n ? tm->n - 1 : 0,
		      (size_t)s->P->seeded, type, s->seed / 2);
	for (size_t q = 1; q < tm->n && q <= nrows; q++)
		n += tm->type[q] == type;
	k = below(&s->r, n);
	for (size_t q = 1; n && q < tm->n && q <= nrows; q++)
		if (tm->type[q] == type && k-- == 0)
			return q - 1;
	return below(&s->r, nrows);
}

/* Does the message name the thing that was changed? */
static int names_it(const struct column *c, const struct rowref *r,
		    const struct value *old, const struct value *nv,
		    const char *msg)
{
	char a[96], b[96];

	if (!strcmp(c->table, "events"))
		return first_number(msg, "event") == r->a;
	if (is_nodes(c)) {
		int64_t l = r->a, i = r->b;
		snprintf(a, sizeof(a), "Merkle node (%lld, %lld)", (long long)l,
			 (long long)i);
		if (c->key) {
			/* The row now stands at its changed key. */
			int64_t *k = !strcmp(c->col, "level") ? &l : &i;
			*k = nv->i;
		}
		snprintf(b, sizeof(b), "Merkle node (%lld, %lld)", (long long)l,
			 (long long)i);
		return strstr(msg, a) || strstr(msg, b);
	}
	if (!strcmp(c->table, "meta"))
		return strstr(msg, "(meta log_vkey)") != NULL;
	if (!strcmp(c->table, "checkpoints")) {
		long long size = first_number(msg, "size");
		return size == r->a || (c->key && size == nv->i);
	}
	/* A projection row, by its key (the changed one if the key was
	 * changed). */
	snprintf(a, sizeof(a), "projection %s: row ", c->table);
	if (!strstr(msg, a))
		return 0;
	(void)old;
	return 1;
}

/* The key of a projection row as verify names it: (k1, k2) or k1. */
static void row_key_text(sqlite3 *db, const char *table, int64_t rowid,
			 char *out, size_t n)
{
	const struct cn_table_def *t = NULL;
	char sql[256];
	sqlite3_stmt *st;
	size_t k = 0;

	for (unsigned i = 0; i < CN_TAB_COUNT; i++)
		if (!strcmp(cn_tables[i].name, table))
			t = &cn_tables[i];
	assert_non_null(t);
	k += (size_t)snprintf(sql + k, sizeof(sql) - k, "SELECT ");
	for (unsigned c = 0; c < t->nkey; c++)
		k += (size_t)snprintf(sql + k, sizeof(sql) - k, "%s%s", c ? ", " : "",
				      t->cols[c].name);
	snprintf(sql + k, sizeof(sql) - k, " FROM %s WHERE rowid = %lld", table,
		 (long long)rowid);
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW) {
		k = 0;
		for (unsigned c = 0; c < t->nkey; c++)
			k += (size_t)snprintf(out + k, n - k, "%s%.*s",
					      c ? ", " : "",
					      sqlite3_column_bytes(st, (int)c),
					      sqlite3_column_text(st, (int)c)
					      ? (const char *)sqlite3_column_text(st, (int)c)
					      : "");
	}
	sqlite3_finalize(st);
}

static int row_exists(sqlite3 *db, const struct column *c,
		      const struct rowref *r)
{
	char sql[256], w[96];
	sqlite3_stmt *st;
	int n = 0;

	where(c, r, w, sizeof(w));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s", c->table, w);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Change one byte of one stored value (column ci, at its start, middle
 * or end: pos; an event of type `type` when it is an event), check verify
 * names it, undo.  0, or -1 when the column has no value to change. */
static int store_change(struct seq *s, sqlite3 *db, const struct typemap *tm,
			unsigned ci, unsigned pos, int type)
{
	struct prop *P = s->P;
	struct column *c = &cols[ci];
	struct rowref *rows = NULL, r;
	struct value old, nv;
	struct cn_err err = {0};
	char what[128], key_before[128] = "", key_after[128] = "";
	const char *vkey = chance(&s->r, 70) ? P->vkey : NULL;
	size_t nrows = rows_of(db, c, &rows), at;
	int rc;

	if (!nrows) {
		/* NULL in every row: no byte to change. */
		c->empty++;
		free(rows);
		return -1;
	}
	at = !strcmp(c->table, "events") ? pick_event(s, tm, type, nrows)
		: below(&s->r, nrows);
	r = rows[at];
	free(rows);
	value_read(db, c, &r, &old);
	if (c->group == 2)
		row_key_text(db, c->table, r.a, key_before, sizeof(key_before));
	/* A changed key may collide with another row's (a position of DE
	 * made one of DK): another byte, a few times.  Nothing else may stop
	 * a change. */
	for (int tries = 0;; tries++) {
		mutate_value(&s->r, &old, pos, &nv, what, sizeof(what));
		if ((rc = value_write(db, c, &r, &nv)) == SQLITE_OK)
			break;
		free(nv.b);
		if ((rc & 0xff) != SQLITE_CONSTRAINT)
			fail_msg("seed %llu: changing %s.%s: SQLite error %d",
				 (unsigned long long)s->seed, c->table, c->col, rc);
		if (tries == 8) {
			free(old.b);
			return -1;
		}
	}
	/* Where the row is now: a changed key moves it (an INTEGER PRIMARY
	 * KEY is the rowid itself). */
	struct rowref now = r;
	if (c->key && is_nodes(c))
		*(!strcmp(c->col, "level") ? &now.a : &now.b) = nv.i;
	else if (c->key && c->kind == K_INT && !row_exists(db, c, &r))
		now.a = nv.i;
	if (key_before[0])
		row_key_text(db, c->table, now.a, key_after, sizeof(key_after));

	/* Through the open app; the changes of events of every fourth seed
	 * as `council verify` does it, opening the store (whose replay meets
	 * a changed event first: the open reads nothing else). */
	if (c->group == 0 && s->seed % 4 == 0)
		rc = verify_file(P->db, vkey, &err);
	else {
		int64_t n, ncp;
		rc = cn_app_verify(s->ro, vkey, &n, &ncp, &err);
	}
	if (rc == 0)
		fail_msg("seed %llu: %s.%s of row (%lld, %lld), %s: verify (%s key) "
			 "did not notice", (unsigned long long)s->seed, c->table,
			 c->col, (long long)r.a, (long long)r.b, what,
			 vkey ? "published" : "the store's");
	if (rc != CN_ECORRUPT ||
	    !names_it(c, &r, &old, &nv, err.msg) ||
	    (key_before[0] && !strstr(err.msg, key_before) &&
	     !strstr(err.msg, key_after)))
		fail_msg("seed %llu: %s.%s of row (%lld, %lld)%s%s, %s: verify gave "
			 "%d '%s', which does not name it",
			 (unsigned long long)s->seed, c->table, c->col,
			 (long long)r.a, (long long)r.b, key_before[0] ? " key " : "",
			 key_before, what, rc, err.msg);
	/* Undo it, and make sure it is undone. */
	struct value back;
	if (value_write(db, c, &now, &old) != SQLITE_OK)
		fail_msg("seed %llu: undoing the change of %s.%s failed",
			 (unsigned long long)s->seed, c->table, c->col);
	value_read(db, c, &r, &back);
	if (back.type != old.type || back.i != old.i || back.n != old.n ||
	    (old.n && memcmp(back.b, old.b, old.n)))
		fail_msg("seed %llu: %s.%s was not restored",
			 (unsigned long long)s->seed, c->table, c->col);
	free(back.b);
	if (!strcmp(c->table, "events") && (size_t)r.a < tm->n &&
	    tm->type[r.a] >= 0)
		P->n.mut_type[tm->type[r.a]]++;
	c->hits[pos]++;
	P->n.store_mut++;
	free(old.b);
	free(nv.b);
	return 0;
}

/* ---- changes to an export ------------------------------------------------------ */

/* Lines of the export: starts, and the event type of each event line. */
struct lines {
	size_t *start;     /* start[i] of line i + 1; start[n] = file length */
	size_t n;
};

static void split_lines(const char *buf, size_t len, struct lines *L)
{
	size_t cap = 64;
	L->start = malloc(cap * sizeof(size_t));
	assert_non_null(L->start);
	L->n = 0;
	L->start[0] = 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n') {
			if (L->n + 2 >= cap) {
				cap *= 2;
				L->start = realloc(L->start, cap * sizeof(size_t));
				assert_non_null(L->start);
			}
			L->start[++L->n] = i + 1;
		}
}

static int line_type(const char *buf, const struct lines *L, size_t line)
{
	const char *s = buf + L->start[line], *e = buf + L->start[line + 1];
	const char *p = NULL;
	static const char kt[] = ",\"type\":\"";

	for (const char *q = e - sizeof(kt); q >= s; q--)
		if (!memcmp(q, kt, sizeof(kt) - 1)) {
			p = q + sizeof(kt) - 1;
			break;
		}
	if (!p)
		return -1;
	char name[48];
	size_t n = 0;
	while (p < e && *p != '"' && n < sizeof(name) - 1)
		name[n++] = *p++;
	name[n] = '\0';
	const struct cn_event_type *t = cn_event_type_find(name);
	return t ? (int)t->id : -1;
}

/* Per sequence: changes to its export. */
#define EXPORT_CHANGES 2

static void export_change(struct seq *s, const char *buf, size_t len,
			  const struct lines *L, int64_t nevents, unsigned k)
{
	struct prop *P = s->P;
	struct cn_err err = {0};
	struct cn_export_stats stx;
	/* Which line (change k of the sequence): an event line; then the
	 * header for every third seed, else a checkpoint line.  Where in it
	 * and the event type turn with the seed, as in store_changes: a seed
	 * replays the same changes. */
	const unsigned cls = k == 0 ? 1 : s->seed % 3 ? 2 : 0;
	const unsigned where = (unsigned)((s->seed / 3 + k) % 3);
	int want = (int)(s->seed % CN_EV_COUNT);
	size_t line, n = 0;
	int type = -1;
	const char *vkey = chance(&s->r, 70) ? P->vkey : NULL;

	if (cls == 0)
		line = 0;
	else if (cls == 1) {
		/* An event line of the type whose turn it is, or of the
		 * rarest. */
		int *types = malloc(((size_t)nevents + 1) * sizeof(int));
		assert_non_null(types);
		for (size_t i = 1; i <= (size_t)nevents; i++)
			types[i - 1] = line_type(buf, L, i);
		/* Every other seed the rarest of the history's own: the
		 * types few sequences make get their turn in a short run. */
		want = rarest(types, (size_t)nevents, (size_t)P->seeded,
			      s->seed % 2 ? want : -1, s->seed / 2);
		free(types);
		for (size_t i = 1; i <= (size_t)nevents; i++)
			n += line_type(buf, L, i) == want;
		line = 1 + below(&s->r, (size_t)nevents);
		for (size_t i = 1, k2 = below(&s->r, n); n && i <= (size_t)nevents; i++)
			if (line_type(buf, L, i) == want && k2-- == 0)
				line = i;
		type = line_type(buf, L, line);
	} else
		line = 1 + (size_t)nevents + below(&s->r, L->n - 1 - (size_t)nevents);
	/* The line's bytes, its newline included (the end of a line). */
	size_t a = L->start[line];
	n = L->start[line + 1] - a;
	size_t at = a + offset_in(&s->r, n, where);
	char *m = malloc(len);
	assert_non_null(m);
	memcpy(m, buf, len);
	m[at] = (char)other_byte(&s->r, (uint8_t)buf[at]);
	spit(P->mut, m, len);

	int rc = cn_verify_export(P->mut, vkey, &stx, &err);
	long long ln = first_number(err.msg, "line");
	long long ev = first_number(err.msg, "event");
	if (rc == 0)
		fail_msg("seed %llu: export line %zu byte %zu (0x%02x -> 0x%02x): "
			 "verify (%s key) did not notice", (unsigned long long)s->seed,
			 line + 1, at - a, (uint8_t)buf[at], (uint8_t)m[at],
			 vkey ? "published" : "the file's");
	/* A header that no longer reads is "not a council log export"
	 * (CN_EINVAL); anything else is a corrupt record. */
	if ((rc != CN_ECORRUPT && rc != CN_EINVAL) || ln != (long long)line + 1 ||
	    (cls == 1 && ev != (long long)line))
		fail_msg("seed %llu: export line %zu (%s) byte %zu of %zu (0x%02x -> "
			 "0x%02x): verify (%s key) gave %d '%s', which does not "
			 "name line %zu%s", (unsigned long long)s->seed, line + 1,
			 cls == 0 ? "header" : cls == 1 ? "event" : "checkpoint",
			 at - a, n, (uint8_t)buf[at], (uint8_t)m[at],
			 vkey ? "published" : "the file's", rc, err.msg, line + 1,
			 cls == 1 ? " and its event" : "");
	free(m);
	if (type >= 0)
		P->n.exp_type[type]++;
	P->n.exp_line[cls][where]++;
	P->n.export_mut++;
}

/* Does msg name entry k, on line `line` (1-based)?  Or the few entries
 * among which it is, when no later entry records it (commitments only
 * between two checkpoints)? */
static int names_entry(struct prop *P, const char *msg, long long line,
		       long long k)
{
	const char *r = strstr(msg, ": events ");
	long long a, b;

	if (first_number(msg, "line") == line && first_number(msg, "event") == k)
		return 1;
	if (r && sscanf(r, ": events %lld to %lld", &a, &b) == 2 && a <= k &&
	    k <= b) {
		P->n.by_range++;
		return 1;
	}
	return 0;
}

/* Per sequence: changes to its export for one audience. */
#define AUDIENCE_CHANGES 2

/* Change k of the audience export: first a full entry (its salt or its
 * event, by the seed), then a commitment-only entry when there is one
 * (three seeds in four), else a checkpoint line.  The header is left
 * alone: its audience is a label no signature covers (export.h), and
 * "member:FR" changed to "member:FI" is another export's header. */
static void audience_change(struct seq *s, const char *buf, size_t len,
			    const struct lines *L, unsigned k)
{
	struct prop *P = s->P;
	struct rng *r = &s->ar;
	size_t nfull = 0, ncommit = 0, *full, *commit, line, lo, hi;
	unsigned what; /* 0 salt, 1 event, 2 leaf, 3 checkpoint */
	struct cn_err err = {0};
	struct cn_export_stats stx;

	full = malloc((size_t)s->nevents * sizeof(size_t));
	commit = malloc((size_t)s->nevents * sizeof(size_t));
	assert_true(full && commit);
	for (size_t i = 1; i <= (size_t)s->nevents; i++) {
		if (!strncmp(buf + L->start[i], "{\"salt\":\"", 9))
			full[nfull++] = i;
		else if (!strncmp(buf + L->start[i], "{\"leaf\":\"", 9))
			commit[ncommit++] = i;
		else
			fail_msg("seed %llu: line %zu of the audience export is "
				 "no entry", (unsigned long long)s->seed, i + 1);
	}
	assert_true(nfull > 0); /* the registry is everyone's */
	if (k == 0) {
		what = (unsigned)((s->seed / 3) % 2);
		line = full[below(r, nfull)];
	} else if (ncommit && s->seed % 4 != 3) {
		what = 2;
		line = commit[below(r, ncommit)];
	} else {
		what = 3;
		line = 1 + (size_t)s->nevents + below(r, L->n - 1 - (size_t)s->nevents);
	}
	const size_t a = L->start[line], n = L->start[line + 1] - a;
	/* {"salt":"<44>","event":<bytes>}\n: the salt's 44 characters, or
	 * from the event's first byte to the line's newline; any byte of
	 * another line. */
	lo = what == 0 ? 9 : what == 1 ? 9 + 44 + 10 : 0;
	hi = what == 0 ? 9 + 44 : n;
	const size_t at = a + lo + below(r, hi - lo);
	char *m = malloc(len);
	assert_non_null(m);
	memcpy(m, buf, len);
	const uint8_t ob = (uint8_t)buf[at], nb = other_byte(r, ob);
	m[at] = (char)nb;
	spit(P->mut, m, len);
	free(m);
	free(full);
	free(commit);

	int rc = cn_verify_export(P->mut, P->vkey, &stx, &err);
	if (rc != CN_ECORRUPT ||
	    (what < 3 ? !names_entry(P, err.msg, (long long)line + 1, (long long)line)
		      : first_number(err.msg, "line") != (long long)line + 1))
		fail_msg("seed %llu: audience export line %zu (%s) byte %zu of %zu "
			 "(0x%02x -> 0x%02x): verify gave %d '%s', which does not "
			 "name it", (unsigned long long)s->seed, line + 1,
			 what == 0 ? "salt" : what == 1 ? "event" : what == 2
			 ? "commitment" : "checkpoint", at - a, n, ob, nb, rc,
			 err.msg);
	if (what < 3)
		P->n.aud_mut[what]++;
	else
		P->n.aud_cp_mut++;
}

/* ---- one sequence ------------------------------------------------------------ */

/* The sequence running, named when a sanitizer stops the run (a failed
 * assertion names its seed itself). */
static uint64_t current_seed;

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
static void say_seed(void)
{
	fprintf(stderr, "property: stopped in the sequence of seed %llu\n",
		(unsigned long long)current_seed);
}
#endif

static void start_sequence(struct prop *P, struct seq *s, uint64_t seed)
{
	struct cn_err err = {0};
	char key[160];

	memset(s, 0, sizeof(*s));
	s->P = P;
	s->seed = seed;
	s->r.s = seed;
	s->ar.s = seed ^ 0x61756469656e6365ULL; /* apart from s->r: the other
						   changes stay as they were */
	rm_store(P->db);
	spit(P->db, P->tmpl_db, P->tmpl_db_len);
	snprintf(key, sizeof(key), "%s.key", P->db);
	spit(key, P->tmpl_key, P->tmpl_key_len);
	chmod(key, 0600);
	if (cn_app_open(P->db, 0, &s->app, &err))
		fail_msg("open: %s", err.msg);
	/* A year between 1967 (after the NPG was set up) and 2025. */
	s->now = fx_t("1967-01-01") + (int64_t)below(&s->r, 59 * 365) * 86400 +
		 (int64_t)below(&s->r, 86400);
}

/* Per sequence: an event twice, the tree, a checkpoint or the log key
 * once, a projection twice (they have the most columns). */
#define STORE_CHANGES 5
static const unsigned change_groups[STORE_CHANGES] = {0, 1, 0, 2, 2};

/* Change number nth of group g in the sequence of `seed`: which column,
 * and where in its value.  From the seed alone, so that a seed replays the
 * same changes whatever ran before it; round robin over consecutive
 * seeds, so that a few hundred of them change every column at its start,
 * middle and end.  A column with nothing to change in this store passes
 * its turn to the next. */
static void store_changes(struct seq *s, sqlite3 *db, const struct typemap *tm)
{
	unsigned nth[3] = {0};

	for (unsigned i = 0; i < STORE_CHANGES; i++) {
		const unsigned g = change_groups[i];
		unsigned in[MAX_COLS], m = 0, per = 0;
		for (unsigned c = 0; c < ncols; c++)
			if (cols[c].group == g)
				in[m++] = c;
		for (unsigned k = 0; k < STORE_CHANGES; k++)
			per += change_groups[k] == g;
		const uint64_t idx = s->seed * per + nth[g]++;
		const unsigned pos = (unsigned)((idx / m) % 3);
		const int type = (int)(idx % CN_EV_COUNT);
		for (unsigned k = 0; k < m; k++)
			if (store_change(s, db, tm, in[(idx + k) % m], pos, type) == 0)
				break;
	}
}

static void one_sequence(struct prop *P, uint64_t seed)
{
	struct seq s;
	unsigned nsteps;

	current_seed = seed;
	start_sequence(P, &s, seed);
	nsteps = 6 + (unsigned)below(&s.r, 18);
	if (seed % 8 == 0)
		xk_case(&s);
	for (unsigned i = 0; i < nsteps; i++) {
		step(&s);
		if (seed % 10 == 5 && i == nsteps / 2)
			ratify_all(&s);
	}
	verify_untouched(&s);

	/* The store, changed byte by byte. */
	sqlite3 *db = db_open(P->db);
	struct typemap tm;
	db_exec(db, drop_guards);
	read_types(db, &tm);
	for (size_t q = (size_t)P->seeded + 1; q < tm.n; q++)
		if (tm.type[q] >= 0)
			P->n.by_type[tm.type[q]]++;
	store_changes(&s, db, &tm);
	sqlite3_close(db);
	free(tm.type);
	cn_app_close(s.ro);

	/* The export, changed byte by byte. */
	size_t len;
	char *buf = slurp(P->exp, &len);
	struct lines L;
	assert_non_null(buf);
	split_lines(buf, len, &L);
	for (unsigned i = 0; i < EXPORT_CHANGES; i++)
		export_change(&s, buf, len, &L, s.nevents, i);
	free(L.start);
	free(buf);

	/* The export for one audience, changed byte by byte. */
	buf = slurp(P->aexp, &len);
	assert_non_null(buf);
	split_lines(buf, len, &L);
	for (unsigned i = 0; i < AUDIENCE_CHANGES; i++)
		audience_change(&s, buf, len, &L, i);
	free(L.start);
	free(buf);
	P->n.sequences++;
}

/* ---- the property -------------------------------------------------------------- */

static int setup(void **state)
{
	struct prop *P = calloc(1, sizeof(*P));
	struct cn_err err = {0};
	struct cn_app *app = NULL;
	char key[160], *skey = NULL;
	uint8_t seed[32], sk[64], pk[32];

	if (!P || sodium_init() < 0)
		return -1;
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_set_death_callback(say_seed);
#endif
	/* tmpfs when there is one: a commit's fsync is then free. */
	strcpy(P->dir, "/dev/shm/council-prop-XXXXXX");
	if (!mkdtemp(P->dir)) {
		strcpy(P->dir, "/tmp/council-prop-XXXXXX");
		if (!mkdtemp(P->dir))
			return -1;
	}
	snprintf(P->db, sizeof(P->db), "%s/s.db", P->dir);
	snprintf(P->tmpl, sizeof(P->tmpl), "%s/t.db", P->dir);
	snprintf(P->exp, sizeof(P->exp), "%s/log.jsonl", P->dir);
	snprintf(P->mut, sizeof(P->mut), "%s/changed.jsonl", P->dir);
	snprintf(P->aexp, sizeof(P->aexp), "%s/audience.jsonl", P->dir);
	/* The template, under a log key of the test's own (the app would make
	 * a random one), so every run signs the same checkpoints and the
	 * same seed gives the same bytes to change. */
	if (cn_app_open(P->tmpl, CN_STORE_CREATE, &app, &err)) {
		fprintf(stderr, "template: %s\n", err.msg);
		return -1;
	}
	cn_app_close(app);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(i * 7 + 1);
	crypto_sign_seed_keypair(pk, sk, seed);
	if (cn_note_skey_encode("council-log-property", sk, &skey, &err) ||
	    cn_note_vkey_encode("council-log-property", pk, &P->vkey, &err))
		return -1;
	snprintf(key, sizeof(key), "%s.key", P->tmpl);
	spit(key, skey, strlen(skey));
	free(skey);
	sqlite3 *db = db_open(P->tmpl);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "UPDATE meta SET value = ? WHERE key = 'log_vkey'",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, P->vkey, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(db) != 1)
		return -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (cn_app_open(P->tmpl, 0, &app, &err) ||
	    cn_app_seed(app, DATASET, fx_t("1966-12-31T12:00:00Z"), &err)) {
		fprintf(stderr, "template: %s\n", err.msg);
		return -1;
	}
	P->seeded = cn_app_world(app)->last_seq;
	cn_app_close(app);
	P->tmpl_db = slurp(P->tmpl, &P->tmpl_db_len);
	P->tmpl_key = slurp(key, &P->tmpl_key_len);
	if (!P->tmpl_db || !P->tmpl_key)
		return -1;
	/* A base seed of its own each run, unless one is given to replay:
	 * over many runs the property meets many more histories than a
	 * fixed base would show it.  Below 2^32 so that base + k never
	 * wraps (the sampling turns with consecutive seeds). */
	P->seed = env_u64("PROPERTY_SEED", randombytes_uniform(UINT32_MAX));
	init_columns();
	*state = P;
	return 0;
}

static int teardown(void **state)
{
	struct prop *P = *state;
	rm_store(P->db);
	rm_store(P->tmpl);
	unlink(P->exp);
	unlink(P->mut);
	unlink(P->aexp);
	rmdir(P->dir);
	free(P->tmpl_db);
	free(P->tmpl_key);
	free(P->vkey);
	free(P);
	return 0;
}

/* Sequences in `make check`: about a second each under ASan, so the
 * check stays short; the campaign is `make property`. */
#define SEQUENCES_CHECK 30

static void test_verify_never_cries_wolf(void **state)
{
	struct prop *P = *state;
	/* SEQUENCES_CHECK in `make check`, each run from another base seed;
	 * `make property` runs 200 from the base 20260209, enough to hold
	 * every column at its start, middle and end, which only such a run
	 * checks (below). */
	const uint64_t nseq = env_u64("PROPERTY_SEQUENCES", SEQUENCES_CHECK);
	const uint64_t from = env_u64("PROPERTY_FROM", 0);
	struct timespec t0, t1;

	/* Its own counts, not the regression cases'. */
	memset(&P->n, 0, sizeof(P->n));
	init_columns();
	/* The seeds first, so that a run that dies can be replayed. */
	printf("property: seeds %llu..%llu (replay one: PROPERTY_SEED=%llu "
	       "PROPERTY_FROM=k PROPERTY_SEQUENCES=1 for seed %llu + k)\n",
	       (unsigned long long)(P->seed + from),
	       (unsigned long long)(P->seed + from + nseq - 1),
	       (unsigned long long)P->seed, (unsigned long long)P->seed);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = from; i < from + nseq; i++)
		one_sequence(P, P->seed + i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("property: %lu sequences (seeds %llu..%llu): %lu commands tried, "
	       "%lu accepted, %lu events, %lu ratifications adopted; %lu store "
	       "changes, %lu export changes, all named; %.1f s\n", P->n.sequences,
	       (unsigned long long)(P->seed + from),
	       (unsigned long long)(P->seed + from + nseq - 1), P->n.tried,
	       P->n.accepted, P->n.events, P->n.ratified, P->n.store_mut,
	       P->n.export_mut,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("  exports per audience: %lu public, %lu member, %lu partner, "
	       "%lu commitment-only entries; changed: %lu salts, %lu events, %lu "
	       "commitments, %lu checkpoint lines; %lu named among a few entries "
	       "under one checkpoint rather than alone\n", P->n.aud[CN_ROLE_PUBLIC],
	       P->n.aud[CN_ROLE_MEMBER], P->n.aud[CN_ROLE_PARTNER],
	       P->n.commitments, P->n.aud_mut[0], P->n.aud_mut[1], P->n.aud_mut[2],
	       P->n.aud_cp_mut, P->n.by_range);
	printf("  snapshots: %lu worlds restored mid-history plus their tails, "
	       "each the folded world\n", P->n.snapshots);
	assert_int_equal(P->n.snapshots, P->n.sequences);
	for (unsigned t = 0; t < CN_EV_COUNT; t++)
		printf("  %-20s made %5lu, changed in the store %4lu, in exports %4lu\n",
		       cn_event_type_get((enum cn_ev)t)->name, P->n.by_type[t],
		       P->n.mut_type[t], P->n.exp_type[t]);
	for (unsigned i = 0; i < ncols; i++)
		printf("  %s.%s: changed at its start %lu, middle %lu, end %lu%s\n",
		       cols[i].table, cols[i].col, cols[i].hits[0], cols[i].hits[1],
		       cols[i].hits[2], cols[i].hits[0] + cols[i].hits[1] +
		       cols[i].hits[2] ? "" : " (NULL in every row tried)");
	/* What the sampling promises, over a run of 100 sequences or more
	 * (from any base seed since the rarest types' ties turn with the
	 * seed; `make property` takes 20260209): every type of event the
	 * history made, or the dataset holds, changed in the store or in an
	 * export, and in both over 200 sequences (the generator makes no
	 * body.amended, proposal.superseded, vote.cast or written.refused
	 * yet); every column of the log, the
	 * tree and the checkpoints changed at its start, middle and end, and
	 * of the projections too over 200 sequences or more. */
	if (nseq < 100)
		return;
	for (unsigned t = 0; t < CN_EV_COUNT; t++)
		if ((P->n.by_type[t] || P->n.mut_type[t] || P->n.exp_type[t]) &&
		    (nseq >= 200 ? !P->n.mut_type[t] || !P->n.exp_type[t]
				 : !P->n.mut_type[t] && !P->n.exp_type[t]))
			fail_msg("no %s event was changed", cn_event_type_get((enum cn_ev)t)->name);
	for (unsigned i = 0; i < ncols; i++) {
		unsigned long h = cols[i].hits[0] + cols[i].hits[1] + cols[i].hits[2];
		/* Only a column that is NULL in every row may go unchanged:
		 * there is no byte to change (members.exit: nobody left). */
		if ((cols[i].group < 2 || (h && nseq >= 200)) &&
		    (!cols[i].hits[0] || !cols[i].hits[1] || !cols[i].hits[2]))
			fail_msg("%s.%s was not changed at its start, middle and end",
				 cols[i].table, cols[i].col);
	}
	if (!P->n.aud[CN_ROLE_PUBLIC] || !P->n.aud[CN_ROLE_MEMBER] ||
	    !P->n.aud[CN_ROLE_PARTNER] || !P->n.commitments || !P->n.aud_mut[0] ||
	    !P->n.aud_mut[1] || !P->n.aud_mut[2] || !P->n.aud_cp_mut)
		fail_msg("the exports per audience were not all made and changed");
	for (unsigned c = 0; c < 3; c++)
		for (unsigned w = 0; w < 3; w++)
			if (!P->n.exp_line[c][w])
				fail_msg("no change of an export's %s line at its %s",
					 c == 0 ? "header" : c == 1 ? "event" : "checkpoint",
					 w == 0 ? "start" : w == 1 ? "middle" : "end");
}

/* ---- regression cases ---------------------------------------------------------- */

/* A store from the template with FR's key registered and FR's signed
 * objection on proposal 1 as its last event; *seq gets that event.  The
 * app is closed. */
static void signed_store(struct prop *P, struct seq *s, int64_t *seq)
{
	start_sequence(P, s, 1);
	s->now = fx_t("2024-01-05T09:00:00Z");
	struct cn_propose_args p = {.body = "NAC", .title = "Signed"};
	assert_int_equal(run(s, "secretariat", cn_app_cmd_propose, &p), 0);
	uint8_t seed[32] = {1}, pk[32];
	char *vkey = NULL;
	struct cn_err err = {0};
	crypto_sign_seed_keypair(pk, s->keys[0].sk, seed);
	snprintf(s->keys[0].code, sizeof(s->keys[0].code), "FR");
	s->keys[0].used = 1;
	assert_int_equal(cn_note_vkey_encode("FR-2024", pk, &vkey, &err), 0);
	struct key_args a = {"FR", vkey};
	assert_int_equal(run(s, "secretariat", cmd_register_key, &a), 0);
	free(vkey);
	struct cn_respond_args r = {.proposal = 1, .member = "FR",
				    .act = CN_ACT_POSITION, .pos = CN_POS_OBJECT,
				    .text = "letter of objection"};
	char *sig = sign(cn_world_proposal(W(s), 1), &r, key_of(s, "FR")->sk);
	r.signature = sig;
	s->now += 3600;
	assert_int_equal(run(s, "delegation:FR", cn_app_cmd_respond, &r), 0);
	free(sig);
	*seq = W(s)->last_seq;
	export_file(s->app, P->exp, NULL, s->now);
	cn_app_close(s->app);
	s->app = NULL;
}

/* `bytes` with the JSON value of "signature" replaced by `value`. */
static char *with_signature(const char *bytes, size_t n, const char *value,
			    size_t *outlen)
{
	const char *k = strstr(bytes, "\"signature\":\""), *e;
	char *out;

	assert_non_null(k);
	k += strlen("\"signature\":");
	e = strchr(k + 1, '"') + 1;
	out = malloc(n + strlen(value) + 1);
	assert_non_null(out);
	memcpy(out, bytes, (size_t)(k - bytes));
	strcpy(out + (k - bytes), value);
	strcat(out, e);
	*outlen = strlen(out);
	return out;
}

/*
 * Defect 4 of issue 9: a delegation signature field that is malformed
 * printed uninitialised memory (the reason was read from a struct cn_err
 * nobody had set).  Every malformed field gets its own reason, in the
 * store's verify and in an export's, and nothing else.
 */
static void test_malformed_signature_is_named(void **state)
{
	struct prop *P = *state;
	static const struct {
		const char *value, *reason;
	} bad[] = {
		{"\"!!\"", "the signature is not 64 bytes of base64"},
		{"\"\"", "the signature is not 64 bytes of base64"},
		/* 63 and 66 bytes of base64 */
		{"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
		 "the signature is not 64 bytes of base64"},
		{"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
		 "the signature is not 64 bytes of base64"},
		/* 64 bytes, not FR's */
		{"\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"",
		 "the signature of FR does not verify with its registered key FR-2024"},
		{"5", "the signature is not a string"},
		{"null", "the signature is not a string"},
		{"{}", "the signature is not a string"},
		{"[\"!!\"]", "the signature is not a string"},
	};
	struct seq s;
	int64_t seq;
	size_t len;
	char *exp;

	signed_store(P, &s, &seq);
	exp = slurp(P->exp, &len);
	assert_non_null(exp);
	sqlite3 *db = db_open(P->db);
	db_exec(db, drop_guards);
	struct column c = {.table = "events", .col = "bytes", .kind = K_TEXT};
	struct column h = {.table = "events", .col = "hash", .kind = K_BLOB};
	struct column sc = {.table = "events", .col = "salt", .kind = K_BLOB};
	struct rowref r = {seq, 0};
	struct value orig, oh, salt;
	value_read(db, &c, &r, &orig);
	value_read(db, &h, &r, &oh);
	value_read(db, &sc, &r, &salt);
	assert_int_equal(salt.n, CN_SALT_LEN);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cn_err err = {0};
		struct cn_export_stats stx;
		char want[256];
		size_t n;
		/* An export: the line edited. */
		char *line = with_signature((const char *)orig.b, orig.n, bad[i].value,
					    &n);
		char *at = strstr(exp, (const char *)orig.b);
		assert_non_null(at);
		size_t pre = (size_t)(at - exp);
		char *edited = malloc(len - orig.n + n + 1);
		assert_non_null(edited);
		memcpy(edited, exp, pre);
		memcpy(edited + pre, line, n);
		memcpy(edited + pre + n, at + orig.n, len - pre - orig.n);
		spit(P->mut, edited, len - orig.n + n);
		free(edited);
		snprintf(want, sizeof(want), ": line %lld: event %lld (position.stated): "
			 "delegation signature does not verify (%s)", (long long)seq + 1,
			 (long long)seq, bad[i].reason);
		if (cn_verify_export(P->mut, P->vkey, &stx, &err) != CN_ECORRUPT ||
		    !strstr(err.msg, want) ||
		    strcmp(err.msg + strlen(err.msg) - strlen(want), want))
			fail_msg("export with \"signature\":%s gave '%s', want '...%s'",
				 bad[i].value, err.msg, want);
		/* The store: the event rewritten and its hash fixed up, as the
		 * operator could; the fold checks the signature again. */
		struct value nb = {.type = SQLITE_TEXT, .b = (uint8_t *)line, .n = n};
		uint8_t hash[CN_HASH_LEN];
		cn_event_hash(salt.b, line, n, hash);
		struct value nh = {.type = SQLITE_BLOB, .b = hash, .n = sizeof(hash)};
		assert_int_equal(value_write(db, &c, &r, &nb), SQLITE_OK);
		assert_int_equal(value_write(db, &h, &r, &nh), SQLITE_OK);
		memset(&err, 0, sizeof(err));
		snprintf(want, sizeof(want), "event %lld (position.stated): delegation "
			 "signature does not verify (%s)", (long long)seq,
			 bad[i].reason);
		if (verify_file(P->db, P->vkey, &err) != CN_ECORRUPT ||
		    strcmp(err.msg + strlen(err.msg) - strlen(want), want))
			fail_msg("store with \"signature\":%s gave '%s', want '...%s'",
				 bad[i].value, err.msg, want);
		assert_int_equal(value_write(db, &c, &r, &orig), SQLITE_OK);
		assert_int_equal(value_write(db, &h, &r, &oh), SQLITE_OK);
		free(line);
	}
	struct cn_err err = {0};
	if (verify_file(P->db, P->vkey, &err))
		fail_msg("restored: %s", err.msg);
	free(orig.b);
	free(oh.b);
	free(salt.b);
	free(exp);
	sqlite3_close(db);
}

/* Change byte `at` of line `line` (1-based) of the export to `b`, verify
 * with the published key, and check the message names the line and, when
 * k > 0, event k first. */
static void export_byte(struct prop *P, const char *buf, size_t len,
			const struct lines *L, size_t line, size_t at, char b,
			int64_t k)
{
	struct cn_err err = {0};
	struct cn_export_stats stx;
	char *m = malloc(len);
	size_t pos = L->start[line - 1] + at;

	assert_non_null(m);
	memcpy(m, buf, len);
	assert_true(pos < len);
	m[pos] = b;
	spit(P->mut, m, len);
	free(m);
	if (cn_verify_export(P->mut, P->vkey, &stx, &err) != CN_ECORRUPT ||
	    first_number(err.msg, "line") != (long long)line ||
	    (k && first_number(err.msg, "event") != k))
		fail_msg("line %zu byte %zu -> '%c': '%s', want line %zu%s", line, at,
			 b, err.msg, line, k ? " and its event" : "");
}

/* Where an event's bytes start on its line: {"salt":"<44>","event":. */
#define EVENT_AT (9 + 44 + 10)

/* The end of an export, where no later event records a hash: the last
 * two events (their bytes and salts) and the final newline.  Found while
 * the property test was written (the final newline by seed 20260390 of an
 * earlier generator); kept here since no seed of today's makes exactly
 * these changes. */
static void test_export_end_is_named(void **state)
{
	struct prop *P = *state;
	struct lines L;
	struct seq s;
	int64_t n;
	size_t len;

	signed_store(P, &s, &n);
	char *buf = slurp(P->exp, &len);
	assert_non_null(buf);
	split_lines(buf, len, &L);
	/* Event k is on line k + 1.  The one before the last (FR's key): a
	 * letter of its actor; the link into the last breaks, and the
	 * signed checkpoint of the whole log says which of the two changed. */
	const char *ln = buf + L.start[n - 1];
	assert_int_equal(strncmp(ln + EVENT_AT, "{\"actor\":\"secretariat\",", 23), 0);
	export_byte(P, buf, len, &L, (size_t)n, EVENT_AT + 12, 'S', n - 1);
	/* Its salt, and the last's: a digit of the base64 (any digit in the
	 * middle keeps it canonical). */
	export_byte(P, buf, len, &L, (size_t)n, 9 + 20, ln[9 + 20] == 'A' ? 'B' : 'A',
		    n - 1);
	ln = buf + L.start[n];
	export_byte(P, buf, len, &L, (size_t)n + 1, 9 + 20,
		    ln[9 + 20] == 'A' ? 'B' : 'A', n);
	/* The last: a digit of its time (not signed), and a digit of the
	 * hash it records of the one before. */
	const char *t = strstr(ln, "\"time\":\"2024-01-05T1");
	assert_non_null(t);
	export_byte(P, buf, len, &L, (size_t)n + 1,
		    (size_t)(t - ln) + strlen("\"time\":\"2024-01-0"), '6', n);
	const char *pv = strstr(ln, "\"prev\":\"");
	assert_non_null(pv);
	size_t at = (size_t)(pv - ln) + 9 + 10;
	export_byte(P, buf, len, &L, (size_t)n + 1, at,
		    ln[at] == '0' ? '1' : '0', n);
	/* The file's final newline, to a space or a letter. */
	export_byte(P, buf, len, &L, L.n, L.start[L.n] - L.start[L.n - 1] - 1,
		    ' ', 0);
	export_byte(P, buf, len, &L, L.n, L.start[L.n] - L.start[L.n - 1] - 1,
		    'x', 0);
	free(L.start);
	free(buf);
}

/* The XK case of issue 9 (defect 2), alone: an office opened in XK by
 * decision, then XK admitted effective a month before.  The view `show`
 * prints (the world's) and the one the API serves (the stored document)
 * agree that the office is in the treaty area (XK was a member on the
 * decision's date); the untouched store and its exports verify. */
static void test_office_then_backdated_admission(void **state)
{
	struct prop *P = *state;
	struct cn_err err = {0};
	json_t *stored = NULL, *view;
	struct seq s;

	start_sequence(P, &s, 2);
	s.now = fx_t("2025-02-01T09:00:00Z");
	xk_case(&s);
	view = cn_proposal_json(W(&s), cn_world_proposal(W(&s), 1));
	assert_non_null(view);
	if (cn_store_proposal_doc(cn_app_store(s.app), 1, &stored, &err))
		fail_msg("the stored view: %s", err.msg);
	assert_true(json_equal(stored, view));
	assert_true(json_is_false(json_object_get(json_array_get(
		json_object_get(stored, "effects"), 0), "out_of_area")));
	json_decref(stored);
	json_decref(view);
	verify_untouched(&s);
	cn_app_close(s.ro);
}

/* A partner admitted as a member (MD, a partner since 1994 in the
 * dataset, admitted by decision): the registry the exports per audience
 * and the server's readers load from the projection tables must take
 * what the log took.  Found by the property test (seed 20260214): loaded
 * members first, the partnership read as a conflict and `log export
 * --for` failed on a store that verifies. */
static void test_partner_admitted_exports(void **state)
{
	struct prop *P = *state;
	struct seq s;

	start_sequence(P, &s, 3);
	s.now = fx_t("2024-01-05T09:00:00Z");
	json_t *admit = json_pack("[{s:s, s:s, s:s, s:s}]", "type", "admit-member",
				  "code", "MD", "name", "Moldova", "effective",
				  "2024-06-01");
	struct cn_propose_args p = {.body = "NAC", .title = "Admit MD",
				    .effects = admit};
	struct cn_app_secretariat_args c = {.proposal = 1};
	assert_int_equal(run(&s, "secretariat", cn_app_cmd_propose, &p), 0);
	s.now += 86400;
	assert_int_equal(run(&s, "secretariat", cn_app_cmd_conclude, &c), 0);
	json_decref(admit);
	assert_non_null(cn_world_member(W(&s), "MD"));
	assert_non_null(cn_world_partner(W(&s), "MD"));
	s.now = fx_t("2025-01-05T09:00:00Z");
	verify_untouched(&s);
	cn_app_close(s.ro);
}

/*
 * The seeds that found each fault, kept with the generator as it is
 * (tests/unit/test_property.c at the time of issue 9).  Each replays one
 * whole sequence: its history, the untouched checks, its changes.
 */
static const struct {
	uint64_t seed;
	const char *found;
} regressions[] = {
	{20260209, "a changed export line was named by the event after it"},
	{20260388, "a changed last event of an export was named as a "
		   "checkpoint's root"},
	{20260217, "a checkpoint line of an export that fails was not named; "
		   "a position row was named by its proposal alone"},
	{20260224, "with the published key, a changed header key of an export "
		   "went unnoticed"},
	{20260219, "a Merkle node level changed in its high bytes read as the "
		   "level it had: unnoticed"},
	{20260269, "a node index changed in its sign byte was named unsigned"},
	{20260250, "a checkpoint size changed in its sign byte was named "
		   "unsigned"},
	{20260218, "with the published key, a changed meta log_vkey went "
		   "unnoticed"},
};

static void test_regression_seeds(void **state)
{
	struct prop *P = *state;

	for (size_t i = 0; i < sizeof(regressions) / sizeof(regressions[0]); i++)
		one_sequence(P, regressions[i].seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_signature_is_named),
		cmocka_unit_test(test_export_end_is_named),
		cmocka_unit_test(test_office_then_backdated_admission),
		cmocka_unit_test(test_partner_admitted_exports),
		cmocka_unit_test(test_regression_seeds),
		cmocka_unit_test(test_verify_never_cries_wolf),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
