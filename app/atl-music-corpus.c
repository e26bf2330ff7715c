/* atl-music-corpus.c: folder → tunes → windows → octave placements → token sequences.
 * The choices (window size and stride, what augments, the split) are in the header. */
#include "atl-music-corpus.h"

#include <stdlib.h>
#include <string.h>

#include "atl-abc-reader.h"
#include "atl-midi-reader.h"
#include "atl-music-codec.h"
#include "atl-music-error.h"
#include "atl-tune.h"

#define WINDOW_BARS   8
#define WINDOW_STRIDE 4

gboolean
atl_music_corpus_is_held_out (const char *file,
                              const char *title)
{
  g_autofree char *base = g_path_get_basename (file != NULL ? file : "");
  g_autofree char *key = g_strdup_printf ("%s:%s", base, title != NULL ? title : "");
  guint32 h = 2166136261u;

  for (const guchar *c = (const guchar *) key; *c != '\0'; c++)
    h = (h ^ *c) * 16777619u;
  return h % 10 == 0;
}

void
atl_music_corpus_free (AtlMusicCorpus *corpus)
{
  if (corpus == NULL)
    return;
  g_ptr_array_unref (corpus->tunes);
  g_ptr_array_unref (corpus->skipped);
  for (int s = 0; s < 2; s++)
    {
      g_array_unref (corpus->tokens[s]);
      g_array_unref (corpus->offsets[s]);
    }
  g_free (corpus);
}

guint
atl_music_corpus_n_sequences (const AtlMusicCorpus *corpus,
                              gboolean              validation)
{
  return corpus->offsets[validation ? 1 : 0]->len - 1;
}

const int *
atl_music_corpus_sequence (const AtlMusicCorpus *corpus,
                           gboolean              validation,
                           guint                 index,
                           int                  *length)
{
  int s = validation ? 1 : 0;
  guint a, b;

  g_return_val_if_fail (index < atl_music_corpus_n_sequences (corpus, validation), NULL);
  a = g_array_index (corpus->offsets[s], guint, index);
  b = g_array_index (corpus->offsets[s], guint, index + 1);
  *length = (int) (b - a);
  return &g_array_index (corpus->tokens[s], int, a);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static int
compare_path (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static double
quantile (GArray *values,
          double  q)
{
  if (values->len == 0)
    return 0.0;
  return g_array_index (values, double, (guint) (q * (values->len - 1) + 0.5));
}

/* Encodes every octave placement of bars [first, first + n) of tune into split s. */
static gboolean
add_window (AtlMusicCorpus *corpus,
            const AtlTune  *tune,
            int             first,
            int             n,
            int             s,
            GArray         *densities,
            GArray         *registers,
            GError        **error)
{
  const AtlTuneBar *bar = &g_array_index (tune->bars, AtlTuneBar, first);
  int lo = 0, hi = 0, placed = 0;

  corpus->n_windows++;
  if (!atl_tune_window_range (tune, first, n, &lo, &hi))
    {
      corpus->n_silent++;
      return TRUE;
    }
  /* Tonic references r ≡ tonic (mod 12) with lo − r ≥ −12 and hi − r ≤ 24. */
  for (int r = bar->tonic; r <= 127; r += 12)
    {
      AtlMelody melody;
      AtlMusicPrefix prefix;
      AtlMsg msg = { "" };
      int tokens[ATL_MUSIC_MAX_LEN], len = 0;
      double mean = 0.0;

      if (lo - r < ATL_MUSIC_PITCH_MIN || hi - r > ATL_MUSIC_PITCH_MAX)
        continue;
      if (!atl_tune_to_melody (tune, first, n, r, &melody, error))
        return FALSE;
      atl_music_prefix_of (&melody, tune->type, &prefix);
      if (atl_music_encode (&melody, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, &msg) != ATL_OK)
        {
          g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_RANGE, "%s:%d: “%s” bar %d: %s",
                       tune->file, tune->line, tune->title, first, msg.text);
          return FALSE;
        }
      g_array_append_vals (corpus->tokens[s], tokens, (guint) len);
      g_array_append_val (corpus->offsets[s], corpus->tokens[s]->len);
      corpus->longest = MAX (corpus->longest, len);
      for (int i = 0; i < melody.n_notes; i++)
        mean += melody.notes[i].pitch;
      mean /= melody.n_notes;
      g_array_append_val (registers, mean);
      if (placed++ == 0)
        {
          double density = (double) melody.n_notes / melody.n_bars;

          g_array_append_val (densities, density);
        }
    }
  if (placed == 0)
    corpus->n_unplaced++;
  return TRUE;
}

static gboolean
add_tune (AtlMusicCorpus *corpus,
          const AtlTune  *tune,
          GArray         *densities,
          GArray         *registers,
          GError        **error)
{
  int s = atl_music_corpus_is_held_out (tune->file, tune->title) ? 1 : 0;
  int n_bars = (int) tune->bars->len;

  corpus->n_tunes[s]++;
  for (int a = 0; a < n_bars;)
    {
      int b = atl_tune_run_end (tune, a), run = b - a;

      if (run >= WINDOW_BARS)
        {
          int first;

          for (first = a; first + WINDOW_BARS <= b; first += WINDOW_STRIDE)
            if (!add_window (corpus, tune, first, WINDOW_BARS, s, densities, registers, error))
              return FALSE;
          /* The tail the stride stepped over. */
          if (first - WINDOW_STRIDE + WINDOW_BARS < b
              && !add_window (corpus, tune, b - WINDOW_BARS, WINDOW_BARS, s, densities,
                              registers, error))
            return FALSE;
        }
      else if (run >= 2
               && !add_window (corpus, tune, a, run, s, densities, registers, error))
        return FALSE;
      a = b;
    }
  return TRUE;
}

static void
read_one (AtlMusicCorpus *corpus,
          const char     *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  GError *error = NULL;

  if (g_str_has_suffix (lower, ".abc"))
    {
      g_autoptr(GPtrArray) tunes = atl_abc_read_file (path, corpus->skipped, &error);

      corpus->n_files++;
      if (tunes == NULL)
        g_ptr_array_add (corpus->skipped, error);
      else
        for (guint i = 0; i < tunes->len; i++)
          g_ptr_array_add (corpus->tunes, g_steal_pointer (&tunes->pdata[i]));
    }
  else if (g_str_has_suffix (lower, ".mid") || g_str_has_suffix (lower, ".midi"))
    {
      AtlTune *tune = atl_midi_read_file (path, &error);

      corpus->n_files++;
      if (tune == NULL)
        g_ptr_array_add (corpus->skipped, error);
      else
        g_ptr_array_add (corpus->tunes, tune);
    }
}

AtlMusicCorpus *
atl_music_corpus_load (const char  *path,
                       GError     **error)
{
  g_autoptr(AtlMusicCorpus) corpus = g_new0 (AtlMusicCorpus, 1);
  g_autoptr(GArray) densities = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) registers = g_array_new (FALSE, FALSE, sizeof (double));
  guint zero = 0;

  corpus->tunes = g_ptr_array_new_with_free_func ((GDestroyNotify) atl_tune_free);
  corpus->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  for (int s = 0; s < 2; s++)
    {
      corpus->tokens[s] = g_array_new (FALSE, FALSE, sizeof (int));
      corpus->offsets[s] = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (corpus->offsets[s], zero);
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        return NULL;
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      /* Sorted, so the sequences come out in the same order on every machine. */
      g_ptr_array_sort (names, compare_path);
      for (guint i = 0; i < names->len; i++)
        read_one (corpus, g_ptr_array_index (names, i));
    }
  else
    read_one (corpus, path);

  if (corpus->tunes->len == 0)
    {
      /* The first reasons travel with the error: with nothing read, they are all the
       * artist has to go on ("file:line: why"). */
      g_autoptr(GString) why = g_string_new (NULL);

      for (guint i = 0; i < corpus->skipped->len && i < 5; i++)
        g_string_append_printf (why, "\n  %s",
                                ((GError *) corpus->skipped->pdata[i])->message);
      if (corpus->skipped->len > 5)
        g_string_append_printf (why, "\n  …and %u more", corpus->skipped->len - 5);
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_EMPTY,
                   "%s: no tune could be read (%d files, %u skipped)%s", path, corpus->n_files,
                   corpus->skipped->len, why->str);
      return NULL;
    }
  for (guint i = 0; i < corpus->tunes->len; i++)
    if (!add_tune (corpus, g_ptr_array_index (corpus->tunes, i), densities, registers, error))
      return NULL;

  qsort (densities->data, densities->len, sizeof (double), compare_double);
  qsort (registers->data, registers->len, sizeof (double), compare_double);
  for (int q = 0; q < 3; q++)
    corpus->density_q[q] = quantile (densities, (q + 1) / 4.0);
  for (int q = 0; q < 2; q++)
    corpus->register_q[q] = quantile (registers, (q + 1) / 3.0);
  return g_steal_pointer (&corpus);
}
