/* bench-reward.c: how fast the reward model refits, beside PyTorch doing the same fit.
 *
 * The DESIGN target: a refit (5 linear heads, bootstrap) on 2,000 comparisons over ~300
 * works with F = 40 hand features and E = 128 embedding dims in ≤ 100 ms. The problem is a
 * simulated linear taste (reward-synth.h); before timing, each fit's held-out accuracy is
 * checked against the Bayes optimum so a fast wrong answer cannot pass. The peer,
 * tests/bench/bench_reward_torch.py, reads the very same works and pairs from a temp file
 * and fits them with torch.optim.LBFGS (and full-batch Adam for reference), two threads,
 * OMP_WAIT_POLICY=PASSIVE. Pass --no-pytorch to skip it.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atl-reward.h"
#include "reward-synth.h"

enum { N = 300, F = 40, E = 128, D = F + E, TEST = 4000, N_SIZES = 4 };
static const int sizes[N_SIZES] = { 100, 1000, 2000, 20000 };

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Median wall time in ms of `runs` fits after one warm-up; the model and report of the
 * last fit are returned. */
static double
time_fit (const AtlRewardConfig *cfg,
          const Synth           *s,
          const AtlRewardPair   *pairs,
          int                    n_pairs,
          int                    runs,
          AtlReward            **out_model,
          AtlRewardFitReport    *report)
{
  AtlReward *model = NULL;
  double *ms = g_new (double, runs), median;
  AtlMsg msg;

  if (atl_reward_new (cfg, &model, &msg) != ATL_OK)
    g_error ("%s", msg.text);
  for (int r = -1; r < runs; r++)
    {
      AtlRng rng;
      gint64 t0;

      atl_rng_seed (&rng, 1);
      t0 = g_get_monotonic_time ();
      if (atl_reward_fit (model, s->works, s->n_works, pairs, n_pairs, NULL, &rng, report,
                          &msg) != ATL_OK)
        g_error ("%s", msg.text);
      if (r >= 0)
        ms[r] = (double) (g_get_monotonic_time () - t0) / 1000.0;
    }
  qsort (ms, (size_t) runs, sizeof (double), cmp_double);
  median = ms[runs / 2];
  g_free (ms);
  *out_model = model;
  return median;
}

/* Writes the problem for the peer: int32 N, D, works (N, D) f32, then per size int32 P and
 * pairs (P, 2) int32. */
static char *
write_problem (const Synth          *s,
               AtlRewardPair * const *pairs)
{
  GError *error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("atl-bench-reward-XXXXXX.bin", &path, &error);
  FILE *f;
  gint32 head[2] = { s->n_works, s->dim };

  if (fd < 0)
    g_error ("%s", error->message);
  f = fdopen (fd, "wb");
  fwrite (head, sizeof head, 1, f);
  fwrite (s->works, sizeof (float), (size_t) s->n_works * s->dim, f);
  for (int k = 0; k < N_SIZES; k++)
    {
      gint32 p = sizes[k];

      fwrite (&p, sizeof p, 1, f);
      fwrite (pairs[k], sizeof (AtlRewardPair), (size_t) sizes[k], f);
    }
  if (fclose (f) != 0)
    g_error ("cannot write %s", path);
  return path;
}

static char *
find_script (void)
{
  const char *src = g_getenv ("ATL_SOURCE_DIR");
  char *path = g_build_filename (src ? src : ".", "tests", "bench", "bench_reward_torch.py",
                                 NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_clear_pointer (&path, g_free);
  return path;
}

/* Fills torch_ms / adam_ms (NAN when the peer did not run) from the peer's output. */
static void
run_peer (const char *problem,
          double     *torch_ms,
          double     *adam_ms,
          int        *torch_iter)
{
  char *script = find_script (), *out = NULL, *err = NULL, **lines;
  char **env = g_environ_setenv (g_get_environ (), "OMP_WAIT_POLICY", "PASSIVE", TRUE);
  GError *error = NULL;
  int status;

  if (!script)
    {
      printf ("# PyTorch peer skipped: bench_reward_torch.py not found (set ATL_SOURCE_DIR)\n");
      g_strfreev (env);
      return;
    }
  if (!g_spawn_sync (NULL, (char *[]) { "/usr/bin/python3", script, (char *) problem, NULL },
                     env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      printf ("# PyTorch peer failed: %s\n%s", error->message, err ? err : "");
      g_clear_error (&error);
    }
  else
    {
      lines = g_strsplit (out, "\n", -1);
      for (char **l = lines; *l; l++)
        {
          int p, it;
          double a, b;

          if (sscanf (*l, "torch %d %lf %lf %d", &p, &a, &b, &it) == 4)
            for (int k = 0; k < N_SIZES; k++)
              if (sizes[k] == p)
                {
                  torch_ms[k] = a;
                  adam_ms[k] = b;
                  torch_iter[k] = it;
                }
        }
      g_strfreev (lines);
    }
  g_free (script);
  g_free (out);
  g_free (err);
  g_strfreev (env);
}

int
main (int    argc,
      char **argv)
{
  gboolean pytorch = !(argc > 1 && g_str_equal (argv[1], "--no-pytorch"));
  AtlRewardPair *pairs[N_SIZES], *test = g_new (AtlRewardPair, TEST);
  double ms[N_SIZES], acc[N_SIZES], torch_ms[N_SIZES], adam_ms[N_SIZES], bayes;
  int iters[N_SIZES], torch_iter[N_SIZES];
  AtlRewardConfig cfg;
  AtlRng rng;
  Synth s;
  int fail = 0;

  atl_rng_seed (&rng, 2024);
  synth_init (&s, N, D, SYNTH_LINEAR, NULL, &rng);
  synth_pairs (&s, TEST, 2.0f, &rng, test, &bayes);
  atl_reward_config_init (&cfg, F, E);

  for (int k = 0; k < N_SIZES; k++)
    {
      AtlReward *model;
      AtlRewardFitReport rep;

      pairs[k] = g_new (AtlRewardPair, sizes[k]);
      synth_pairs (&s, sizes[k], 2.0f, &rng, pairs[k], NULL);
      ms[k] = time_fit (&cfg, &s, pairs[k], sizes[k], sizes[k] > 5000 ? 5 : 21, &model, &rep);
      acc[k] = synth_accuracy (model, &s, test, TEST);
      iters[k] = rep.total_iter;
      torch_ms[k] = adam_ms[k] = NAN;
      torch_iter[k] = 0;
      /* Sanity before the figures mean anything: every head converged, and with enough
       * pairs for 168 columns the held-out accuracy is near the Bayes optimum. */
      if (rep.n_converged != cfg.n_heads || (sizes[k] >= 1000 && acc[k] < 0.8)
          || (sizes[k] >= 2000 && bayes - acc[k] > 0.06))
        {
          printf ("# FAIL at %d pairs: %d/%d heads converged, held-out %.3f vs Bayes %.3f\n",
                  sizes[k], rep.n_converged, cfg.n_heads, acc[k], bayes);
          fail = 1;
        }
      atl_reward_free (model);
    }

  if (pytorch)
    {
      char *problem = write_problem (&s, pairs);

      run_peer (problem, torch_ms, adam_ms, torch_iter);
      g_unlink (problem);
      g_free (problem);
    }

  printf ("reward model refit: %d works, F=%d + E=%d, %d linear heads, bootstrap, L2 %.2g\n"
          "(median wall time; held-out accuracy on %d fresh pairs, Bayes optimum %.3f)\n\n",
          N, F, E, cfg.n_heads, cfg.l2, TEST, bayes);
  printf ("%8s %12s %8s %14s %8s %12s %9s\n", "pairs", "atelier ms", "iters", "pytorch ms",
          "iters", "ratio", "held-out");
  for (int k = 0; k < N_SIZES; k++)
    printf ("%8d %12.2f %8d %14.2f %8d %11.1fx %9.3f\n", sizes[k], ms[k], iters[k],
            torch_ms[k], torch_iter[k], torch_ms[k] / ms[k], acc[k]);
  printf ("\npytorch full-batch Adam (300 steps/head) for reference:");
  for (int k = 0; k < N_SIZES; k++)
    printf (" %d: %.1f ms%s", sizes[k], adam_ms[k], k + 1 < N_SIZES ? "," : "\n");

  /* The other options at the target size. */
  {
    AtlReward *model;
    AtlRewardFitReport rep;
    AtlRewardConfig mlp = cfg;
    float cv;
    gint64 t0;
    double mlp_ms;

    mlp.head = ATL_REWARD_HEAD_MLP;
    mlp_ms = time_fit (&mlp, &s, pairs[2], sizes[2], 5, &model, &rep);
    printf ("MLP-32 tanh heads at 2000 pairs: %.1f ms (%d iterations, held-out %.3f)\n",
            mlp_ms, rep.total_iter, synth_accuracy (model, &s, test, TEST));
    atl_reward_free (model);
    atl_rng_seed (&rng, 3);
    t0 = g_get_monotonic_time ();
    if (atl_reward_cross_validate (&cfg, s.works, N, pairs[2], sizes[2], NULL, 5, &rng, &cv,
                                   NULL, NULL) != ATL_OK)
      fail = 1;
    printf ("5-fold cross-validation at 2000 pairs: %.1f ms, accuracy %.3f\n",
            (double) (g_get_monotonic_time () - t0) / 1000.0, cv);
  }
  printf ("target: refit on 2000 pairs <= 100 ms: %s (%.2f ms)\n",
          ms[2] <= 100.0 ? "met" : "MISSED", ms[2]);

  for (int k = 0; k < N_SIZES; k++)
    g_free (pairs[k]);
  g_free (test);
  synth_clear (&s);
  return fail || ms[2] > 100.0;
}
