/* bench-synth.c: how fast the built-in synth renders, beside sox's own synthesizer.
 *
 * The target (DESIGN.md §6) is 30 s of 48 kHz stereo in ≤ 30 ms. The melody is 15 bars of
 * running eighth notes at 120 BPM (exactly 30 s plus the last tail), pulled through the
 * streaming API in 512-frame blocks as the player's feeder does. The peer is
 * `sox -n -r 48000 -c 2 out.wav synth 30 pluck 220` (which also writes its file, to a
 * tmpfs-like temp folder), timed the same way: best of several runs after a warm-up.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "atl-synth.h"

#define RUNS 7

static void
make_melody (AtlMelody *m)
{
  static const int scale[] = { 0, 2, 4, 5, 7, 9, 11, 12, 14, 12, 11, 9, 7, 5, 4, 2 };

  m->metre = ATL_METRE_4_4;
  m->mode = ATL_MODE_MAJOR;
  m->n_bars = 15;
  m->n_notes = 0;
  for (int step = 0; step < 15 * 16; step += 2)
    {
      AtlNote *n = &m->notes[m->n_notes];

      n->pitch = (int8_t) scale[m->n_notes % 16];
      n->velocity = step % 8 == 0 ? 110 : 85;
      n->start = (int16_t) step;
      n->length = 2;
      m->n_notes++;
    }
}

/* Renders the whole melody in blocks; returns seconds, and checks the sound is sound. */
static double
time_synth (const AtlMelody *m, const AtlSynthParams *p, float *block, int64_t *frames)
{
  AtlSynth *synth = NULL;
  gint64 t0, t1;
  size_t got;
  double energy = 0.0;
  float peak = 0.0f;

  g_assert_cmpint (atl_synth_new (m, p, &synth, NULL), ==, ATL_OK);
  *frames = 0;
  t0 = g_get_monotonic_time ();
  while ((got = atl_synth_render (synth, block, 512)) > 0)
    {
      *frames += (int64_t) got;
      /* Touch the output cheaply so the work cannot be skipped. */
      energy += block[0] * block[0];
      peak = fmaxf (peak, fabsf (block[2 * got - 1]));
    }
  t1 = g_get_monotonic_time ();
  atl_synth_free (synth);
  g_assert_true (isfinite (energy) && peak <= 1.0f);
  return (t1 - t0) / 1e6;
}

static double
time_sox (const char *dir)
{
  g_autofree char *out = g_build_filename (dir, "sox-pluck.wav", NULL);
  const char *argv[] = { "sox", "-n", "-r", "48000", "-c", "2", out, "synth", "30",
                         "pluck", "220", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  gint64 t0 = g_get_monotonic_time ();

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                     | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    return -1.0;
  return (g_get_monotonic_time () - t0) / 1e6;
}

int
main (int argc, char **argv)
{
  static AtlMelody melody;
  AtlSynthParams params;
  float *block = g_new0 (float, 2 * 513);
  g_autofree char *dir = g_dir_make_tmp ("atelier-bench-XXXXXX", NULL);
  double sox_best = G_MAXDOUBLE, pluck_best = 0.0, per_30s[ATL_N_TIMBRES];

  make_melody (&melody);
  atl_synth_params_init (&params);
  params.tempo = 120.0;

  for (int t = 0; t < ATL_N_TIMBRES; t++)
    {
      double best = G_MAXDOUBLE;
      int64_t frames = 0;

      params.timbre = (AtlTimbre) t;
      time_synth (&melody, &params, block, &frames);   /* warm-up */
      for (int r = 0; r < RUNS; r++)
        best = MIN (best, time_synth (&melody, &params, block, &frames));
      printf ("synth %-6s %.2f s of 48 kHz stereo in %6.2f ms  (%5.0f× real time)\n",
              atl_timbre_name (params.timbre), (double) frames / params.sample_rate,
              best * 1e3, frames / (double) params.sample_rate / best);
      per_30s[t] = best * 30.0 / ((double) frames / params.sample_rate);
      if (params.timbre == ATL_TIMBRE_PLUCK)
        pluck_best = per_30s[t];
    }

  if (time_sox (dir) < 0.0)
    printf ("sox    not found: no peer figure\n");
  else
    {
      for (int r = 0; r < RUNS; r++)
        sox_best = MIN (sox_best, time_sox (dir));
      printf ("sox    pluck  30.00 s of 48 kHz stereo in %6.2f ms  (process, synth and "
              "WAV write)\n", sox_best * 1e3);
      printf ("ratio  sox / atelier pluck (per 30 s): %.1f×\n", sox_best / pluck_best);
    }
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    printf ("target 30 s of 48 kHz stereo in ≤ 30 ms: %-6s %s (%.2f ms per 30 s)\n",
            atl_timbre_name ((AtlTimbre) t), per_30s[t] <= 0.030 ? "met" : "MISSED",
            per_30s[t] * 1e3);

  g_free (block);
  {
    g_autofree char *out = g_build_filename (dir, "sox-pluck.wav", NULL);
    g_unlink (out);
    g_rmdir (dir);
  }
  return 0;
}
