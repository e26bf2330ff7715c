/* atl-abc-reader.h: reads ABC tune books (the subset the Nottingham tunes use) into AtlTune.
 *
 * Headers X T M L K Q P Y (others, such as R S N Z, are skipped); notes with octave marks,
 * accidentals (the key signature applied, bar-scoped carry), lengths, broken rhythm, rests,
 * ties, tuplets, chords (the highest note), bar lines, repeats with endings, parts in Y:
 * order, inline and body K:/M:/L: changes; chord symbols, decorations and grace notes are
 * skipped. Metres 2/4 3/4 4/4 (C) 6/8 9/8 12/8, and C| 2/2 as 4/4; other metres skip the
 * tune. Keys: every major and minor key and the modes (lydian counts as major, phrygian
 * and locrian as minor: the codec has four modes).
 *
 * A bad tune is skipped with a "file:line: message" error and the rest is read; a reader
 * of untrusted text, it never trusts a length or a count it was given.
 */
#pragma once

#include <glib.h>

#include "atl-tune.h"

G_BEGIN_DECLS

/* The tunes (AtlTune, owned) of an ABC text; `name` is used in messages and as the tunes'
 * file. Each skipped tune adds its GError to `skipped` (when not NULL; the array must free
 * its elements with g_error_free). NULL with error only when the text holds no tune. */
GPtrArray *atl_abc_read_string (const char  *name,
                                const char  *text,
                                gsize        length,
                                GPtrArray   *skipped,
                                GError     **error);
/* The same for a file; NULL with error when it cannot be read or holds no tune. */
GPtrArray *atl_abc_read_file   (const char  *path,
                                GPtrArray   *skipped,
                                GError     **error);

G_END_DECLS
