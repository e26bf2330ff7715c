/* atl-work-export.h: one stored work to a file in any of its domain's formats.
 *
 * The one place that knows how a work becomes a file: art as PNG (with seed, session and
 * model version in text chunks), SVG or PDF; music as WAV (16/24-bit), FLAC, Ogg Vorbis or
 * MIDI, rendered at the key, tempo and timbre given. Every write is atomic.
 */
#pragma once

#include <glib.h>

#include "atl-store.h"
#include "atl-synth.h"

G_BEGIN_DECLS

typedef struct
{
  int             size_px;       /* PNG edge; SVG/PDF are size_px points */
  AtlSynthParams  synth;         /* key, tempo, timbre, rate for audio and MIDI */
  const char     *session_name;  /* for tags and text chunks; may be NULL */
  guint           version;       /* model version number, for tags */
  const char     *title;         /* NULL: "<session> #<id>" */
} AtlWorkExportOptions;

void     atl_work_export_options_init (AtlWorkExportOptions *options);

/* The formats of a domain, the first being the default: "png svg pdf" / "wav flac ogg
 * wav24 mid". */
const char * const *atl_work_export_formats (AtlDomain domain);

/* Writes work to path in format (one of the domain's formats). */
gboolean atl_work_export              (const AtlWork              *work,
                                       const char                 *format,
                                       const AtlWorkExportOptions *options,
                                       const char                 *path,
                                       GError                    **error);

/* "C", "F#", "Bb", "A3" → MIDI note of the tonic (octave 4 when not given). */
gboolean atl_parse_key                (const char                 *text,
                                       int                        *out_midi);

/* Takes the render-time choices out of a style list: key=…, tempo=…, timbre=…, into
 * params; the rest (prefix choices) is returned, NULL-terminated, owned by the caller. */
GStrv    atl_work_export_take_render_style (const char * const  *style,
                                            AtlSynthParams      *params,
                                            GError             **error);

G_END_DECLS
