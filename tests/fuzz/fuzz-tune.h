/* fuzz-tune.h: what the ABC and MIDI fuzz targets check of every tune a reader returns.
 *
 * The reader's promises (atl-tune.h: bars contiguous, notes sorted and not overlapping,
 * pitches MIDI) are asserted, then every run of bars is cut into windows and encoded the
 * way the corpus does, and the tokens must pass the codec's own validation.
 */
#pragma once

#include <glib.h>

#include "atl-music-codec.h"
#include "atl-tune.h"

static inline void
atl_fuzz_check_tune (const AtlTune *tune)
{
  const AtlCodec *codec = atl_music_codec ();
  int n_bars = (int) tune->bars->len;
  int prev_end = 0;

  g_assert (tune->notes != NULL && tune->bars != NULL);
  for (guint i = 0; i < tune->notes->len; i++)
    {
      const AtlTuneNote *note = &g_array_index (tune->notes, AtlTuneNote, i);

      g_assert_cmpint (note->pitch, >=, 0);
      g_assert_cmpint (note->pitch, <=, 127);
      g_assert_cmpint (note->length, >=, 1);
      g_assert_cmpint (note->start, >=, prev_end);
      prev_end = note->start + note->length;
    }

  /* Windows of up to 8 bars at the start of each run of bars sharing metre and key
   * (the corpus's first window; the reader's layout is what is under test). */
  for (int first = 0; first < n_bars;)
    {
      int end = atl_tune_run_end (tune, first);
      int n = MIN (end - first, 8);
      const AtlTuneBar *bar = &g_array_index (tune->bars, AtlTuneBar, first);
      int lo, hi;

      g_assert_cmpint (end, >, first);
      g_assert_cmpint (end, <=, n_bars);
      if (atl_tune_window_range (tune, first, n, &lo, &hi))
        {
          /* The highest tonic of the key's pitch class that keeps the lowest note at
           * or above −12 (the corpus tries every placement; one is enough here). */
          int tonic_midi = bar->tonic + 12 * ((lo + 12 - bar->tonic) / 12);
          AtlMelody melody;
          g_autoptr(GError) error = NULL;

          if (atl_tune_to_melody (tune, first, n, tonic_midi, &melody, &error))
            {
              AtlMusicPrefix prefix;
              int tokens[ATL_MUSIC_MAX_LEN];
              int len = 0;
              AtlMsg msg = { 0 };

              atl_music_prefix_of (&melody, tune->type, &prefix);
              if (atl_music_encode (&melody, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len,
                                    &msg) == ATL_OK)
                g_assert_cmpint (codec->validate (codec, tokens, len, &msg), ==, ATL_OK);
            }
          else
            g_assert (error != NULL);
        }
      first = end;
    }
}
