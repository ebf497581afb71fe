/* export_lines.c - an exported log's lines read the fast way, and the
 * strict way; see export_lines.h. */
#include "export_lines.h"

#include <stdlib.h>
#include <string.h>

#include "../core/event_type.h"
#include "../core/json_alloc.h"

/* The tail of an event's canonical bytes is fixed by the key order:
 * ...,"prev":"<64 hex>","seq":N,"time":"...","type":"T"}.  Find prev (its
 * 64 characters, compared as text with the expected lowercase hex), seq
 * and the type without parsing the JSON.  Returns 0, or -1 when the line
 * does not have that shape (the caller then decodes it fully, which
 * reports what is wrong). */
int cn_export_event_tail(const char *line, size_t n, const char **prevhex,
			 int64_t *seq, const char **type, size_t *typelen)
{
	static const char kp[] = ",\"prev\":\"";
	const char *p = NULL, *q, *end = line + n;

	/* The last one, some 140 bytes from the end: comma to comma back
	 * (memrchr), where a comparison at every byte was a twentieth of
	 * the reading thread's instructions at p10000. */
	for (size_t left = n >= sizeof(kp) - 1 ? n - (sizeof(kp) - 2) : 0;
	     left && (q = memrchr(line, ',', left)); left = (size_t)(q - line))
		if (!memcmp(q, kp, sizeof(kp) - 1)) {
			p = q + sizeof(kp) - 1;
			break;
		}
	if (!p || end - p < 64 + 8)
		return -1;
	*prevhex = p;
	p += 64;
	if (strncmp(p, "\",\"seq\":", 8))
		return -1;
	p += 8;
	int64_t v = 0;
	if (p == end || *p < '1' || *p > '9')
		return -1;
	while (p < end && *p >= '0' && *p <= '9' && v < INT64_MAX / 10)
		v = v * 10 + (*p++ - '0');
	if (end - p < 12 || strncmp(p, ",\"time\":\"", 9))
		return -1;
	p += 9;
	while (p < end && *p != '"')
		p++;
	if (end - p < 11 || strncmp(p, "\",\"type\":\"", 10))
		return -1;
	p += 10;
	if (end[-1] != '}' || end[-2] != '"' || end - 2 <= p)
		return -1;
	*seq = v;
	*type = p;
	*typelen = (size_t)(end - 2 - p);
	return 0;
}

/* Events whose content the verifier must read: the registry and the
 * proposals' structure (to know the keys, electorates and revisions that
 * delegation signatures are checked against), and any signed statement.
 * The rest is checked by the chain and the tree alone. */
int cn_export_must_decode(const char *line, size_t n, const char *type,
			  size_t tl)
{
	char name[48];
	const struct cn_event_type *t;

	if (tl >= sizeof(name))
		return 1; /* no such type: decoding names the problem */
	memcpy(name, type, tl);
	name[tl] = '\0';
	if (!(t = cn_event_type_find(name)) || (t->flags & CN_EVT_STRUCTURE))
		return 1;
	return memmem(line, n, "\"signature\":", 12) != NULL;
}

/* The JSON value of a header or checkpoint line, which must be written
 * exactly as the exporter writes it (compact): JSON would take other
 * spellings of the same value (a space, another escape), and a verified
 * file is the file that was written, byte for byte.  NULL when it does not
 * read; *same says whether it is in that form, *oom whether memory ran
 * out (then it may not have been read: core/json_alloc.h). */
json_t *cn_export_line_json(const char *line, int *same, int *oom)
{
	json_error_t je;
	json_t *o;
	char *again;

	o = cn_json_loadb(line, strlen(line), JSON_REJECT_DUPLICATES, &je, oom);
	if (!o)
		again = NULL;
	else {
		/* json_dumps too can drop a key it failed to write
		 * (jansson#655): judged as well */
		cn_json_begin();
		again = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		*oom = cn_json_oom(NULL) || !again;
	}
	*same = again && !strcmp(again, line);
	free(again);
	return o;
}

/* A checkpoint line's note read without jansson, when the line is in the
 * narrow form the exporter writes for the notes council signs:
 * {"checkpoint":"..."} whose string holds printable ASCII but '"' and
 * '\\', the escape \n, and the UTF-8 of the signature line's dash (U+2014).
 * JSON reads such a string as this does, and json_dumps writes its value
 * back byte for byte, so the verdict is cn_export_line_json's; any other line, a
 * valid one included, is left to cn_export_line_json.  Parsing and writing back each
 * line cost a seventh of a 10,000-event export's verify.  Returns the
 * note (malloc'd), or NULL (*oom says whether for want of memory). */
char *cn_export_checkpoint_note(const char *line, size_t n, int *oom)
{
	static const char head[] = "{\"checkpoint\":\"";
	const size_t hl = sizeof(head) - 1;
	char *note, *o;

	*oom = 0;
	if (n < hl + 2 || memcmp(line, head, hl) || line[n - 2] != '"' ||
	    line[n - 1] != '}')
		return NULL;
	for (size_t i = hl; i < n - 2; i++) {
		const unsigned char c = (unsigned char)line[i];
		if (c == '\\' && line[i + 1] == 'n')
			i++;
		else if (c == 0xe2 && i + 2 < n - 2 &&
			 (unsigned char)line[i + 1] == 0x80 &&
			 (unsigned char)line[i + 2] == 0x94)
			i += 2;
		else if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
			return NULL;
	}
	if (!(o = note = malloc(n - hl - 1))) {
		*oom = 1;
		return NULL;
	}
	for (size_t i = hl; i < n - 2; i++)
		*o++ = line[i] == '\\' ? (i++, '\n') : line[i];
	*o = '\0';
	return note;
}

