/* fuzz_lang.c - libFuzzer target for the two languages (core/i18n.c),
 * which read outside text: a calendar feed's ?lang=, the CLI's --lang and
 * the locale variables.  For any bytes:
 *   - as a tag, cn_lang_parse accepts exactly a two-letter "en" or "fr"
 *     (either case) alone or followed by '-', '_', '.' or '@', and leaves
 *     the language alone otherwise;
 *   - as a placeholder's value, cn_msg_put writes the message's text with
 *     the value in its place, as it is (a value holding "{title}" is not
 *     read again), in both languages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out;
	enum cn_lang lang = (enum cn_lang)9;
	int want;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0'; /* as a C string: up to its first NUL */

	size_t n = strlen(in);
	want = n >= 2 && (n == 2 || strchr("-_.@", in[2])) &&
	       ((lower(in[0]) == 'e' && lower(in[1]) == 'n') ||
		(lower(in[0]) == 'f' && lower(in[1]) == 'r'));
	if ((cn_lang_parse(in, &lang) == 0) != want)
		abort();
	if (want ? lang != (lower(in[0]) == 'f' ? CN_LANG_FR : CN_LANG_EN)
		 : lang != (enum cn_lang)9)
		abort();

	/* "{outcome}: {title}" in either language, the input as the title */
	for (int l = 0; l < CN_LANG_COUNT; l++) {
		struct cn_buf b = CN_BUF_INIT;
		const char *tpl = cn_msg((enum cn_lang)l, CN_M_CAL_SUMMARY_CONCLUDED);
		const char *at = strstr(tpl, "{title}");
		if (!at || strstr(tpl, "{outcome}") > at)
			abort(); /* the catalogue's shape this target relies on */
		cn_msg_put(&b, (enum cn_lang)l, CN_M_CAL_SUMMARY_CONCLUDED,
			   "outcome", "O", "title", in, (char *)NULL);
		if (cn_buf_finish(&b, &out))
			break;
		/* the text up to {title}, with O for {outcome}, then the value */
		size_t pre = (size_t)(at - tpl) - strlen("{outcome}") + 1;
		if (strlen(out) != pre + n || strcmp(out + pre, in))
			abort();
		free(out);
	}
	free(in);
	return 0;
}
