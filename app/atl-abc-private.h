/* atl-abc-private.h: what the ABC parser (atl-abc-reader.c) hands to the layout
 * (atl-abc-layout.c).
 *
 * The parser turns the tune body into measures as written: each a run of events (notes with
 * their key and bar accidentals already applied, rests) with exact durations in ticks, and
 * the repeat, ending and part marks of its bar lines. The layout expands repeats, endings
 * and parts into the played order and lays the measures on the sixteenth grid.
 */
#pragma once

#include <glib.h>

#include "atl-tune.h"

/* Ticks per whole note: a sixteenth is 360, so triplets, quintuplets and 1/64 notes are
 * exact and only the final rounding to sixteenths loses anything. */
#define ATL_ABC_TICKS_WHOLE     5760
#define ATL_ABC_TICKS_SIXTEENTH (ATL_ABC_TICKS_WHOLE / 16)

typedef struct
{
  int     pitch;    /* MIDI, or −1 for a rest */
  gint64  dur;      /* ticks, ≥ 0 */
  gboolean tie;     /* tied to the next event (same pitch merges) */
} AtlAbcEvent;

typedef struct
{
  GArray   *events;        /* AtlAbcEvent */
  AtlMetre  metre;         /* metre and key in force where the measure begins */
  int       tonic;
  AtlMode   mode;
  int       ending;        /* 0, or the pass (1, 2, …) this measure is played on */
  gboolean  start_repeat;  /* a |: stands before it */
  gboolean  end_repeat;    /* a :| stands after it */
  gboolean  section_end;   /* a || or |] stands after it */
  char      part;          /* P: label in force, 0 before any */
  int       line;          /* where it begins, for messages */
} AtlAbcMeasure;

void     _atl_abc_measure_free (gpointer data);
gint64   _atl_abc_measure_ticks (const AtlAbcMeasure *measure);

/* tune ← the measures in played order on the grid. `order` is the Y: (or header P:) string,
 * NULL for the written order. FALSE with a file:line message when the result is unusable. */
gboolean _atl_abc_layout       (AtlTune    *tune,
                                GPtrArray  *measures,
                                const char *order,
                                GError    **error);
