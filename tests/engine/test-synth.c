/* test-synth.c: the built-in synthesizer: checks, timing, bounds, clean edges, pitch,
 * determinism, streaming and looping. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-synth.h"

/* A one-octave scale in quarters, then a held tonic: 2 bars of 4/4. */
static void
make_scale (AtlMelody *m)
{
  static const int pitches[] = { 0, 2, 4, 5, 7, 9, 11, 12 };

  memset (m, 0, sizeof *m);
  m->metre = ATL_METRE_4_4;
  m->n_bars = 2;
  for (int i = 0; i < 8; i++)
    m->notes[i] = (AtlNote) { .pitch = (int8_t) pitches[i], .velocity = 100,
                              .start = (int16_t) (4 * i), .length = 4 };
  m->n_notes = 8;
}

static void
make_one (AtlMelody *m, int pitch, int start, int length)
{
  memset (m, 0, sizeof *m);
  m->metre = ATL_METRE_4_4;
  m->n_bars = 2;
  m->notes[0] = (AtlNote) { .pitch = (int8_t) pitch, .velocity = 110,
                            .start = (int16_t) start, .length = (int16_t) length };
  m->n_notes = 1;
}

static float *
render (const AtlMelody *m, const AtlSynthParams *p, int64_t *n)
{
  float *pcm = NULL;
  AtlMsg msg = { { 0 } };

  g_assert_cmpint (atl_synth_render_all (m, p, &pcm, n, &msg), ==, ATL_OK);
  g_assert_cmpint (*n, ==, atl_synth_length_frames (m, p));
  return pcm;
}

static void
test_checks (void)
{
  static AtlMelody m;
  AtlSynthParams p;
  AtlMsg msg = { { 0 } };
  AtlTimbre t;

  make_scale (&m);
  atl_synth_params_init (&p);
  g_assert_cmpint (atl_synth_check_params (&p, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_synth_check_melody (&m, &msg), ==, ATL_OK);

  p.sample_rate = 22050;
  g_assert_cmpint (atl_synth_check_params (&p, &msg), ==, ATL_ERR_RANGE);
  g_assert_nonnull (strstr (msg.text, "22050"));
  atl_synth_params_init (&p);
  p.tempo = NAN;
  g_assert_cmpint (atl_synth_check_params (&p, &msg), ==, ATL_ERR_RANGE);
  atl_synth_params_init (&p);
  p.tonic = 20;
  g_assert_cmpint (atl_synth_check_params (&p, &msg), ==, ATL_ERR_RANGE);

  m.notes[3].start = 11;   /* overlaps note 2 (12 … 15 → 8 … 11) */
  g_assert_cmpint (atl_synth_check_melody (&m, &msg), ==, ATL_ERR_INVALID);
  g_assert_nonnull (strstr (msg.text, "note 3"));
  make_scale (&m);
  m.notes[7].length = 9;   /* past the second bar */
  g_assert_cmpint (atl_synth_check_melody (&m, &msg), ==, ATL_ERR_RANGE);
  make_scale (&m);
  m.notes[0].velocity = 0;
  g_assert_cmpint (atl_synth_check_melody (&m, &msg), ==, ATL_ERR_RANGE);
  g_assert_cmpint (atl_synth_length_frames (&m, &p), ==, -1);

  g_assert_true (atl_timbre_from_name ("bell", &t) && t == ATL_TIMBRE_BELL);
  g_assert_false (atl_timbre_from_name ("kazoo", &t));
  for (int i = 0; i < ATL_N_TIMBRES; i++)
    g_assert_true (atl_timbre_from_name (atl_timbre_name (i), &t) && (int) t == i);
}

static void
test_timing (void)
{
  static AtlMelody m;
  AtlSynthParams p;

  make_scale (&m);
  atl_synth_params_init (&p);
  p.tempo = 120.0;
  g_assert_cmpfloat_with_epsilon (atl_synth_step_seconds (&m, &p, 4), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (atl_synth_step_seconds (&m, &p, 32), 4.0, 1e-12);
  /* Triplet swing: the off-beat eighth lands two thirds into the beat. */
  p.swing = 1.0f / 3.0f;
  g_assert_cmpfloat_with_epsilon (atl_synth_step_seconds (&m, &p, 2), 1.0 / 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (atl_synth_step_seconds (&m, &p, 4), 0.5, 1e-12);
  /* x/8 metres ignore swing; their beat is the dotted quarter. */
  m.metre = ATL_METRE_6_8;
  g_assert_cmpfloat_with_epsilon (atl_synth_step_seconds (&m, &p, 2), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (atl_synth_beat_bpm (ATL_METRE_6_8, 120.0), 80.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (atl_synth_beat_bpm (ATL_METRE_3_4, 120.0), 120.0, 1e-12);
}

/* Every timbre, every rate, mono and stereo: in bounds, no DC, audible, deterministic. */
static void
test_levels (void)
{
  static AtlMelody m;
  AtlSynthParams p;

  make_scale (&m);
  atl_synth_params_init (&p);
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    for (int c = 1; c <= 2; c++)
      {
        int64_t n = 0, n2 = 0;
        g_autofree float *a = NULL;
        g_autofree float *b = NULL;
        double sum = 0.0, sq = 0.0;
        float peak = 0.0f;

        p.timbre = (AtlTimbre) t;
        p.channels = c;
        p.sample_rate = c == 1 ? 44100 : 48000;
        a = render (&m, &p, &n);
        b = render (&m, &p, &n2);
        g_assert_cmpmem (a, n * c * sizeof (float), b, n2 * c * sizeof (float));
        for (int64_t i = 0; i < n * c; i++)
          {
            g_assert_true (isfinite (a[i]));
            peak = fmaxf (peak, fabsf (a[i]));
            sum += a[i];
            sq += (double) a[i] * a[i];
          }
        g_test_message ("%s %d ch: peak %.3f rms %.3f mean %.2e", atl_timbre_name (t), c,
                        peak, sqrt (sq / (n * c)), sum / (n * c));
        g_assert_cmpfloat (peak, <=, 0.98f);
        g_assert_cmpfloat (peak, >, 0.1f);
        g_assert_cmpfloat (sqrt (sq / (n * c)), >, 0.02);
        g_assert_cmpfloat (fabs (sum / (n * c)), <, 1e-3);
        if (c == 2)
          for (int64_t i = 0; i < n; i++)
            g_assert_cmpfloat (a[2 * i], ==, a[2 * i + 1]);
      }
}

/* Gain 2 on fast, loud, overlapping bells would reach ±3: the limiter holds ±0.98. */
static void
test_limiter (void)
{
  static AtlMelody m;
  AtlSynthParams p;
  int64_t n = 0;
  g_autofree float *pcm = NULL;
  float peak = 0.0f;

  memset (&m, 0, sizeof m);
  m.metre = ATL_METRE_4_4;
  m.n_bars = 2;
  for (int i = 0; i < 32; i++)
    m.notes[i] = (AtlNote) { .pitch = (int8_t) (i % 2 ? -12 : 0), .velocity = 127,
                             .start = (int16_t) i, .length = 1 };
  m.n_notes = 32;
  atl_synth_params_init (&p);
  p.timbre = ATL_TIMBRE_BELL;
  p.gain = 2.0f;
  p.tonic = 48;
  pcm = render (&m, &p, &n);
  for (int64_t i = 0; i < 2 * n; i++)
    peak = fmaxf (peak, fabsf (pcm[i]));
  g_assert_cmpfloat (peak, <=, 0.98f);
  g_assert_cmpfloat (peak, >, 0.5f);
}

/* A lone note: silence before it, a first sample of exactly zero, a ramp no steeper than
 * 2 ms, and a render that ends in silence. */
static void
test_edges (void)
{
  static AtlMelody m;
  AtlSynthParams p;

  make_one (&m, 0, 4, 4);
  atl_synth_params_init (&p);
  p.channels = 1;
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    {
      int64_t n = 0, on;
      g_autofree float *pcm = NULL;
      int ramp = p.sample_rate / 500;   /* 2 ms */
      float tail = 0.0f;

      p.timbre = (AtlTimbre) t;
      pcm = render (&m, &p, &n);
      on = llround (atl_synth_step_seconds (&m, &p, 4) * p.sample_rate);
      for (int64_t i = 0; i <= on; i++)
        g_assert_cmpfloat (fabsf (pcm[i]), <, 1e-6f);
      for (int i = 1; i < ramp; i++)
        g_assert_cmpfloat (fabsf (pcm[on + i]), <=, (float) i / ramp);
      for (int64_t i = n - p.sample_rate / 1000; i < n; i++)
        tail = fmaxf (tail, fabsf (pcm[i]));
      g_assert_cmpfloat (tail, <, 2e-3f);
    }
}

/* Repeated notes on tonal timbres: the steepest sample-to-sample step near a note boundary
 * is no steeper than inside the notes (a click is a step far beyond the waveform's own). */
static void
test_no_clicks (void)
{
  static AtlMelody m;
  AtlSynthParams p;
  AtlTimbre timbres[] = { ATL_TIMBRE_FLUTE, ATL_TIMBRE_PIANO, ATL_TIMBRE_BELL };

  memset (&m, 0, sizeof m);
  m.metre = ATL_METRE_4_4;
  m.n_bars = 1;
  for (int i = 0; i < 8; i++)
    m.notes[i] = (AtlNote) { .pitch = (int8_t) (i % 3 == 2 ? 7 : 0), .velocity = 120,
                             .start = (int16_t) (2 * i), .length = 2 };
  m.n_notes = 8;
  atl_synth_params_init (&p);
  p.channels = 1;
  for (gsize t = 0; t < G_N_ELEMENTS (timbres); t++)
    {
      int64_t n = 0;
      g_autofree float *pcm = NULL;
      g_autofree gboolean *near = NULL;
      float edge = 0.0f, inside = 0.0f;
      int guard = p.sample_rate * 3 / 1000;

      p.timbre = timbres[t];
      pcm = render (&m, &p, &n);
      near = g_new0 (gboolean, n);
      for (int i = 0; i <= 8; i++)
        {
          int64_t b = llround (atl_synth_step_seconds (&m, &p, 2 * i) * p.sample_rate);

          for (int64_t j = MAX (0, b - guard); j < MIN (n, b + guard); j++)
            near[j] = TRUE;
        }
      for (int64_t i = 1; i < n; i++)
        {
          float d = fabsf (pcm[i] - pcm[i - 1]);

          if (near[i])
            edge = fmaxf (edge, d);
          else
            inside = fmaxf (inside, d);
        }
      g_test_message ("%s: steepest step at edges %.4f, inside %.4f",
                      atl_timbre_name (p.timbre), edge, inside);
      g_assert_cmpfloat (edge, <=, 1.5f * inside);
    }
}

/* Every note boundary, explicitly and in absolute terms. In a low register (tonic C2,
 * fundamentals 65–131 Hz) a tonal voice changes slowly: its second difference
 * x[i] − 2x[i−1] + x[i−2] stays below ~0.004 of full scale, while a discontinuity of δ
 * shows as a second difference of about δ. So no second difference within 3 ms of any
 * note start or end may exceed 0.01 (a step of 1% of full scale, −40 dBFS), at both rates,
 * mono and stereo, across legato repeats of one pitch (one voice handing over to the
 * next), leaps, a rest, and the final release. The pluck is left out: its attack is a
 * noise burst whose steps reach half of full scale by design (test_edges bounds its
 * ramp and tail). */
static void
test_boundary_jumps (void)
{
  static const int pitch[]  = { 0, 0, 0, 7, 12, 12, 12, 0, 4, 4 };
  static const int length[] = { 1, 1, 2, 4, 2, 1, 3, 4, 2, 6 };
  static const struct { AtlTimbre timbre; int rate, channels; } cases[] = {
    { ATL_TIMBRE_PIANO, 44100, 1 }, { ATL_TIMBRE_PIANO, 48000, 2 },
    { ATL_TIMBRE_FLUTE, 44100, 2 }, { ATL_TIMBRE_FLUTE, 48000, 1 },
    { ATL_TIMBRE_BELL, 44100, 1 },  { ATL_TIMBRE_BELL, 48000, 2 },
  };
  static AtlMelody m;
  int t = 0;

  memset (&m, 0, sizeof m);
  m.metre = ATL_METRE_4_4;
  m.n_bars = 2;
  for (gsize i = 0; i < G_N_ELEMENTS (pitch); i++)
    {
      m.notes[i] = (AtlNote) { .pitch = (int8_t) pitch[i], .velocity = 127,
                               .start = (int16_t) t, .length = (int16_t) length[i] };
      t += length[i] + (i == 4 ? 2 : 0);   /* a rest after the fifth note */
    }
  m.n_notes = G_N_ELEMENTS (pitch);

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      AtlSynthParams p;
      int64_t frames = 0;
      g_autofree float *pcm = NULL;
      g_autofree gboolean *near = NULL;
      float worst = 0.0f;
      int guard, ch;

      atl_synth_params_init (&p);
      p.timbre = cases[c].timbre;
      p.sample_rate = cases[c].rate;
      p.channels = ch = cases[c].channels;
      p.tonic = 36;
      p.tempo = 140.0;
      guard = p.sample_rate * 3 / 1000;
      pcm = render (&m, &p, &frames);
      near = g_new0 (gboolean, frames);
      for (int i = 0; i < m.n_notes; i++)
        for (int edge = 0; edge < 2; edge++)
          {
            int step = m.notes[i].start + (edge ? m.notes[i].length : 0);
            int64_t b = llround (atl_synth_step_seconds (&m, &p, step) * p.sample_rate);

            for (int64_t j = MAX (0, b - guard); j < MIN (frames, b + guard); j++)
              near[j] = TRUE;
          }
      for (int64_t i = 2; i < frames; i++)
        for (int k = 0; k < ch; k++)
          if (near[i])
            worst = fmaxf (worst, fabsf (pcm[i * ch + k] - 2.0f * pcm[(i - 1) * ch + k]
                                         + pcm[(i - 2) * ch + k]));
      g_test_message ("%s %d Hz × %d: largest second difference at boundaries %.5f",
                      atl_timbre_name (p.timbre), p.sample_rate, ch, worst);
      g_assert_cmpfloat (worst, <=, 0.01f);
    }
}

/* Pitch by autocorrelation over 100 ms of the note's middle. */
static double
measure_pitch (const float *x, int n, int rate)
{
  int best = 0;
  double best_r = -1.0;

  for (int lag = rate / 2000; lag < rate / 50; lag++)
    {
      double r = 0.0, e = 0.0;

      for (int i = 0; i + lag < n; i++)
        {
          r += x[i] * x[i + lag];
          e += x[i + lag] * x[i + lag];
        }
      r /= sqrt (e) + 1e-12;
      if (r > best_r * 1.05)   /* the first strong peak, not a later multiple */
        {
          best_r = r;
          best = lag;
        }
    }
  /* Parabolic refinement around the chosen lag. */
  {
    double ym = 0, y0 = 0, yp = 0;

    for (int i = 0; i + best + 1 < n; i++)
      {
        ym += x[i] * x[i + best - 1];
        y0 += x[i] * x[i + best];
        yp += x[i] * x[i + best + 1];
      }
    return rate / (best + 0.5 * (ym - yp) / (ym - 2 * y0 + yp));
  }
}

static void
test_pitch (void)
{
  static AtlMelody m;
  AtlSynthParams p;

  make_one (&m, 0, 0, 16);
  atl_synth_params_init (&p);
  p.channels = 1;
  p.tonic = 69;   /* A4 = 440 Hz */
  for (int t = 0; t < ATL_N_TIMBRES; t++)
    {
      int64_t n = 0;
      g_autofree float *pcm = NULL;
      double f;

      if (t == ATL_TIMBRE_BELL)
        continue;   /* a bell's hum sits an octave below its strike: no single pitch */
      p.timbre = (AtlTimbre) t;
      pcm = render (&m, &p, &n);
      f = measure_pitch (pcm + p.sample_rate / 2, p.sample_rate / 10, p.sample_rate);
      g_test_message ("%s: %.2f Hz", atl_timbre_name (p.timbre), f);
      /* ±5 cents; the flute's vibrato and the piano's stretched partials stay inside. */
      g_assert_cmpfloat (fabs (1200.0 * log2 (f / 440.0)), <, 5.0);
    }
}

/* The stream in ragged blocks equals render_all; looping keeps going; switching it off
 * lets the pass finish. */
static void
test_stream (void)
{
  static AtlMelody m;
  AtlSynthParams p;
  AtlSynth *synth = NULL;
  int64_t n = 0, got = 0, period;
  g_autofree float *all = NULL;
  g_autofree float *buf = NULL;
  size_t sizes[] = { 1, 7, 64, 500, 4096 };
  size_t k = 0, r;

  make_scale (&m);
  atl_synth_params_init (&p);
  p.timbre = ATL_TIMBRE_PIANO;
  all = render (&m, &p, &n);
  buf = g_new (float, 2 * (n + 8192));
  g_assert_cmpint (atl_synth_new (&m, &p, &synth, NULL), ==, ATL_OK);
  while ((r = atl_synth_render (synth, buf + 2 * got, sizes[k++ % G_N_ELEMENTS (sizes)])) > 0)
    got += (int64_t) r;
  g_assert_cmpint (got, ==, n);
  g_assert_true (atl_synth_finished (synth));
  g_assert_cmpmem (buf, 2 * n * sizeof (float), all, 2 * n * sizeof (float));
  atl_synth_free (synth);

  g_assert_cmpint (atl_synth_new (&m, &p, &synth, NULL), ==, ATL_OK);
  period = atl_synth_period_frames (synth);
  g_assert_cmpint (period, ==, llround (4.0 * 60.0 / p.tempo * 2 * p.sample_rate));
  atl_synth_set_loop (synth, true);
  got = 0;
  for (int pass = 0; pass < 3; pass++)
    got += (int64_t) atl_synth_render (synth, buf, (size_t) period);
  g_assert_cmpint (got, ==, 3 * period);
  g_assert_false (atl_synth_finished (synth));
  atl_synth_set_loop (synth, false);
  while ((r = atl_synth_render (synth, buf, 4096)) > 0)
    got += (int64_t) r;
  g_assert_cmpint (got, ==, 3 * period + n);
  atl_synth_free (synth);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/synth/checks", test_checks);
  g_test_add_func ("/engine/synth/timing", test_timing);
  g_test_add_func ("/engine/synth/levels", test_levels);
  g_test_add_func ("/engine/synth/limiter", test_limiter);
  g_test_add_func ("/engine/synth/edges", test_edges);
  g_test_add_func ("/engine/synth/no-clicks", test_no_clicks);
  g_test_add_func ("/engine/synth/boundary-jumps", test_boundary_jumps);
  g_test_add_func ("/engine/synth/pitch", test_pitch);
  g_test_add_func ("/engine/synth/stream", test_stream);
  return g_test_run ();
}
