/* atl-tune.c: the corpus readers' tune — bars, notes, windows as melodies. */
#include "atl-tune.h"

#include <string.h>

#include "atl-music-error.h"

AtlTune *
atl_tune_new (const char *file,
              int         line)
{
  AtlTune *tune = g_new0 (AtlTune, 1);

  tune->file = g_strdup (file);
  tune->line = line;
  tune->title = g_strdup ("");
  tune->type = ATL_TUNE_TYPE_OTHER;
  tune->bars = g_array_new (FALSE, FALSE, sizeof (AtlTuneBar));
  tune->notes = g_array_new (FALSE, FALSE, sizeof (AtlTuneNote));
  return tune;
}

void
atl_tune_free (AtlTune *tune)
{
  if (tune == NULL)
    return;
  g_free (tune->title);
  g_free (tune->file);
  g_array_unref (tune->bars);
  g_array_unref (tune->notes);
  g_free (tune);
}

int
atl_tune_n_steps (const AtlTune *tune)
{
  const AtlTuneBar *last;

  if (tune->bars->len == 0)
    return 0;
  last = &g_array_index (tune->bars, AtlTuneBar, tune->bars->len - 1);
  return last->start + atl_metre_steps_per_bar (last->metre);
}

void
atl_tune_add_bar (AtlTune  *tune,
                  AtlMetre  metre,
                  int       tonic,
                  AtlMode   mode)
{
  AtlTuneBar bar = { atl_tune_n_steps (tune), metre, ((tonic % 12) + 12) % 12, mode };

  g_array_append_val (tune->bars, bar);
}

void
atl_tune_add_note (AtlTune *tune,
                   int      pitch,
                   int      start,
                   int      length)
{
  AtlTuneNote note = { CLAMP (pitch, 0, 127), start, length };

  if (length < 1 || start < 0)
    return;
  while (tune->notes->len > 0)
    {
      AtlTuneNote *prev = &g_array_index (tune->notes, AtlTuneNote, tune->notes->len - 1);

      if (prev->start + prev->length <= start)
        break;
      if (prev->start < start)
        {
          prev->length = start - prev->start;
          break;
        }
      /* Same onset (or an out-of-order one): the highest note wins. */
      if (prev->pitch >= note.pitch && prev->start == start)
        return;
      g_array_set_size (tune->notes, tune->notes->len - 1);
    }
  g_array_append_val (tune->notes, note);
}

int
atl_tune_run_end (const AtlTune *tune,
                  int            bar)
{
  const AtlTuneBar *b0;
  int end = bar + 1;

  if (bar < 0 || bar >= (int) tune->bars->len)
    return bar;
  b0 = &g_array_index (tune->bars, AtlTuneBar, bar);
  while (end < (int) tune->bars->len)
    {
      const AtlTuneBar *b = &g_array_index (tune->bars, AtlTuneBar, end);

      if (b->metre != b0->metre || b->tonic != b0->tonic || b->mode != b0->mode)
        break;
      end++;
    }
  return end;
}

static void
window_steps (const AtlTune *tune,
              int            first,
              int            n,
              int           *ws,
              int           *we)
{
  const AtlTuneBar *a = &g_array_index (tune->bars, AtlTuneBar, first);
  const AtlTuneBar *z = &g_array_index (tune->bars, AtlTuneBar, first + n - 1);

  *ws = a->start;
  *we = z->start + atl_metre_steps_per_bar (z->metre);
}

gboolean
atl_tune_window_range (const AtlTune *tune,
                       int            first,
                       int            n,
                       int           *lo,
                       int           *hi)
{
  int ws, we, found = 0;

  if (first < 0 || n < 1 || first + n > (int) tune->bars->len)
    return FALSE;
  window_steps (tune, first, n, &ws, &we);
  for (guint i = 0; i < tune->notes->len; i++)
    {
      const AtlTuneNote *note = &g_array_index (tune->notes, AtlTuneNote, i);

      if (note->start + note->length <= ws || note->start >= we)
        continue;
      if (!found || note->pitch < *lo)
        *lo = note->pitch;
      if (!found || note->pitch > *hi)
        *hi = note->pitch;
      found = 1;
    }
  return found;
}

gboolean
atl_tune_to_melody (const AtlTune *tune,
                    int            first,
                    int            n,
                    int            tonic_midi,
                    AtlMelody     *melody,
                    GError       **error)
{
  const AtlTuneBar *bar;
  int ws, we;

  if (first < 0 || n < 1 || n > ATL_MUSIC_MAX_BARS || first + n > (int) tune->bars->len
      || atl_tune_run_end (tune, first) < first + n)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_RANGE,
                   "%s: bars %d … %d are not one window of one metre and key",
                   tune->file, first, first + n - 1);
      return FALSE;
    }
  bar = &g_array_index (tune->bars, AtlTuneBar, first);
  window_steps (tune, first, n, &ws, &we);

  memset (melody, 0, sizeof *melody);
  melody->metre = bar->metre;
  melody->mode = bar->mode;
  melody->n_bars = n;
  for (guint i = 0; i < tune->notes->len; i++)
    {
      const AtlTuneNote *note = &g_array_index (tune->notes, AtlTuneNote, i);
      int start = MAX (note->start, ws), end = MIN (note->start + note->length, we);
      int pitch = note->pitch - tonic_midi;
      AtlNote *out;

      if (end <= start)
        continue;
      if (pitch < ATL_MUSIC_PITCH_MIN || pitch > ATL_MUSIC_PITCH_MAX)
        {
          g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_RANGE,
                       "%s:%d: “%s”: pitch %d is %+d from the tonic, outside %d … %+d",
                       tune->file, tune->line, tune->title, note->pitch, pitch,
                       ATL_MUSIC_PITCH_MIN, ATL_MUSIC_PITCH_MAX);
          return FALSE;
        }
      /* n ≤ 8 bars of ≤ 24 steps: at most 192 notes, always below ATL_MELODY_MAX_NOTES. */
      out = &melody->notes[melody->n_notes++];
      out->pitch = (int8_t) pitch;
      out->velocity = ATL_MUSIC_VELOCITY;
      out->start = (int16_t) (start - ws);
      out->length = (int16_t) (end - start);
    }
  return TRUE;
}

AtlTuneType
atl_tune_type_guess (const char *file,
                     const char *title,
                     AtlMetre    metre)
{
  static const struct { const char *word; AtlTuneType type; } words[] = {
    { "slip", ATL_TUNE_TYPE_SLIP_JIG }, { "jig", ATL_TUNE_TYPE_JIG },
    { "reel", ATL_TUNE_TYPE_REEL }, { "hornpipe", ATL_TUNE_TYPE_HORNPIPE },
    { "hpps", ATL_TUNE_TYPE_HORNPIPE }, { "waltz", ATL_TUNE_TYPE_WALTZ },
    { "polka", ATL_TUNE_TYPE_POLKA }, { "march", ATL_TUNE_TYPE_OTHER },
  };
  g_autofree char *base = file != NULL ? g_path_get_basename (file) : g_strdup ("");
  /* ASCII folding: the words are ASCII, and titles and file names come from anywhere —
   * g_utf8_strdown reads past the end of a string cut inside a UTF-8 sequence. */
  g_autofree char *lower_title = g_ascii_strdown (title != NULL ? title : "", -1);
  g_autofree char *lower_base = g_ascii_strdown (base, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower_title, words[i].word) != NULL)
      return words[i].type;
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower_base, words[i].word) != NULL)
      return words[i].type;
  switch (metre)
    {
    case ATL_METRE_6_8:
    case ATL_METRE_12_8:
      return ATL_TUNE_TYPE_JIG;
    case ATL_METRE_9_8:
      return ATL_TUNE_TYPE_SLIP_JIG;
    case ATL_METRE_3_4:
      return ATL_TUNE_TYPE_WALTZ;
    case ATL_METRE_2_4:
      return ATL_TUNE_TYPE_POLKA;
    case ATL_METRE_4_4:
    case ATL_N_METRES:
    default:
      return ATL_TUNE_TYPE_OTHER;
    }
}
