/* atl-json-screen.h: a screen for untrusted JSON text before json-glib parses it.
 *
 * json-glib's scanner is more lenient than JSON, in ways a forged file could use: it takes
 * comments and single quotes, wraps integers past 64 bits instead of failing
 * (-99999999999999999999 reads as 1), and recurses once per nesting level (a forged
 * "[[[[…" overflows the stack). Checkpoint headers and preference lines are plain JSON,
 * so both readers screen their text here first.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Integers beyond 18 digits could exceed gint64. */
#define ATL_JSON_MAX_INT_DIGITS 18

/* NULL when text[0 … length−1] may go to json-glib: outside strings only JSON's own
 * characters, no control characters inside strings, integers of at most
 * ATL_JSON_MAX_INT_DIGITS digits, nesting at most max_depth, every string closed. Else
 * what is wrong, as a static phrase ("a number too long to be exact"). */
const char *atl_json_screen (const char *text,
                             gsize       length,
                             guint       max_depth);

G_END_DECLS
