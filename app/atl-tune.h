/* atl-tune.h: a whole tune as read from a corpus file (ABC or MIDI).
 *
 * The readers lay a tune out in played order (repeats and parts expanded) on the sixteenth
 * grid: a list of bars, each with its own metre and key (both may change inside a tune),
 * and one monophonic line of notes at absolute MIDI pitches. The corpus cuts windows of
 * bars that share metre and key out of it and turns them into AtlMelody, relative to the
 * tonic, for the music codec.
 */
#pragma once

#include <glib.h>

#include "atl-melody.h"
#include "atl-music-codec.h"

G_BEGIN_DECLS

typedef struct
{
  int pitch;    /* absolute MIDI, 0 … 127 */
  int start;    /* sixteenths from the start of the tune */
  int length;   /* sixteenths, ≥ 1 */
} AtlTuneNote;

typedef struct
{
  int      start;   /* sixteenths from the start of the tune */
  AtlMetre metre;   /* the bar is steps_per_bar(metre) long */
  int      tonic;   /* pitch class of the key's tonic, 0 = C … 11 = B */
  AtlMode  mode;
} AtlTuneBar;

typedef struct
{
  char        *title;
  int          number;    /* X: in ABC, the track in MIDI */
  char        *file;      /* where it was read from */
  int          line;      /* its first line (ABC), 0 for MIDI */
  int          tonic;     /* the key and metre it starts in */
  AtlMode      mode;
  AtlMetre     metre;
  AtlTuneType  type;
  GArray      *bars;      /* AtlTuneBar, contiguous: bar i+1 starts where bar i ends */
  GArray      *notes;     /* AtlTuneNote, sorted by start, never overlapping */
} AtlTune;

AtlTune    *atl_tune_new           (const char *file,
                                    int         line);
void        atl_tune_free          (AtlTune    *tune);

/* Appends a bar after the last one. */
void        atl_tune_add_bar       (AtlTune    *tune,
                                    AtlMetre    metre,
                                    int         tonic,
                                    AtlMode     mode);
/* Sixteenths covered by the bars. */
int         atl_tune_n_steps       (const AtlTune *tune);
/* Appends a note; one starting before the previous note ends cuts that note short (the
 * later note wins), one at the same start replaces it when higher. */
void        atl_tune_add_note      (AtlTune    *tune,
                                    int         pitch,
                                    int         start,
                                    int         length);
/* The first bar after `bar` whose metre or key differs (or the bar count). */
int         atl_tune_run_end       (const AtlTune *tune,
                                    int            bar);
/* The lowest and highest pitch of the notes sounding in bars [first, first + n);
 * FALSE when there are none. */
gboolean    atl_tune_window_range  (const AtlTune *tune,
                                    int            first,
                                    int            n,
                                    int           *lo,
                                    int           *hi);
/* melody ← bars [first, first + n) (same metre and key, n ≤ 8), pitches relative to the
 * MIDI note `tonic_midi` (which must be of the key's pitch class). A note sounding into
 * the window from before it starts again at the window's first step. FALSE with a message
 * when a pitch falls outside −12 … +24. */
gboolean    atl_tune_to_melody     (const AtlTune *tune,
                                    int            first,
                                    int            n,
                                    int            tonic_midi,
                                    AtlMelody     *melody,
                                    GError       **error);

/* The tune type from the title ("… Hornpipe"), else the file name ("jigs.abc"), else the
 * metre: 6/8 and 12/8 jig, 9/8 slip jig, 3/4 waltz, 2/4 polka, 4/4 other. */
AtlTuneType atl_tune_type_guess    (const char *file,
                                    const char *title,
                                    AtlMetre    metre);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlTune, atl_tune_free)

G_END_DECLS
