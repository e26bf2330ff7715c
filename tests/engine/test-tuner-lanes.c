/* test-tuner-lanes.c: the plan that deals a batch's rows to the tuner's lanes, checked on
 * made-up row lengths against what it promises (atl-tuner-private.h): every row once, in
 * runs of consecutive rows within the budget, and lanes of about equal work.
 */
#include <glib.h>
#include <string.h>

#include "atl-rng.h"
#include "atl-tuner-private.h"
#include "tuner-fixture.h"

typedef struct
{
  AtlPolicy *base, *policy;
  AtlTuner  *t;
} Fixture;

static void
fixture_init (Fixture *f,
              int      B)
{
  AtlTunerConfig config;
  AtlMsg msg;

  config_for_tests (&config);
  config.n_prompts = 1;
  config.k = B;
  config.kl_in_loss = 1;
  f->base = small_policy (5);
  f->policy = copy_policy (f->base);
  g_assert_cmpint (atl_tuner_new (&config, f->policy, f->base, &f->t, &msg), ==, ATL_OK);
}

static void
fixture_clear (Fixture *f)
{
  atl_tuner_free (f->t);
  atl_policy_free (f->policy);
  atl_policy_free (f->base);
}

/* Plans rows of the given lengths and checks the promises; returns each lane's padded
 * positions in load (2). */
static void
plan_and_check (AtlTuner  *t,
                const int *lens,
                int        B,
                double     load[2])
{
  int seen[1024] = { 0 };
  int budget = ATL_TUNER_MICRO_TOKENS / ATL_TUNER_LANES;

  memcpy (t->lens, lens, B * sizeof (int));
  _atl_tuner_order_rows (t, B);
  _atl_tuner_lanes_plan (t, B, 1);
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    {
      const AtlTunerLane *ln = &t->lanes[i];

      load[i] = 0.0;
      for (int u = 0; u < ln->n_units; u++)
        {
          int T = 1, n = ln->unit_n[u];

          g_assert_cmpint (n, >=, 1);
          for (int r = ln->unit_first[u]; r < ln->unit_first[u] + n; r++)
            {
              g_assert_cmpint (r, <, B);
              seen[r]++;
              T = MAX (T, t->lens[t->order[r]] - 1);
            }
          if (n > 1)
            g_assert_cmpint (n * T, <=, budget);
          load[i] += (double) n * T;
        }
    }
  for (int r = 0; r < B; r++)
    g_assert_cmpint (seen[r], ==, 1);
}

/* Sixteen rows of one length: the fewest units (five, five, five, one) would give one
 * lane ten rows and the other six; the plan gives eight and eight. */
static void
test_even (void)
{
  Fixture f;
  int lens[16];
  double load[2];

  fixture_init (&f, 16);
  for (int b = 0; b < 16; b++)
    lens[b] = 100;
  plan_and_check (f.t, lens, 16, load);
  g_test_message ("lanes: %.0f and %.0f positions", load[0], load[1]);
  g_assert_cmpfloat (load[0], ==, 8 * 99);
  g_assert_cmpfloat (load[1], ==, 8 * 99);
  fixture_clear (&f);
}

/* Random lengths as the art model draws them (13 … 207 here, the music codec's limit):
 * the busier lane has at most a tenth more than half of all padded positions, and the
 * padding is under a tenth of the positions. */
static void
test_random (void)
{
  Fixture f;
  AtlRng rng;

  fixture_init (&f, 16);
  atl_rng_seed (&rng, 8);
  for (int trial = 0; trial < 50; trial++)
    {
      int lens[16], total = 0;
      double load[2];

      for (int b = 0; b < 16; b++)
        {
          lens[b] = 13 + (int) atl_rng_below (&rng, 195);
          total += lens[b] - 1;
        }
      plan_and_check (f.t, lens, 16, load);
      g_assert_cmpfloat (MAX (load[0], load[1]), <=, 1.1 * (load[0] + load[1]) / 2);
      g_assert_cmpfloat (load[0] + load[1], <=, 1.1 * total);
    }
  fixture_clear (&f);
}

/* One row, and rows longer than the budget: each its own unit, one lane may be idle. */
static void
test_edges (void)
{
  Fixture f;
  int one[1] = { 50 }, longs[3] = { 207, 207, 207 };
  double load[2];

  fixture_init (&f, 3);
  plan_and_check (f.t, one, 1, load);
  g_assert_cmpfloat (load[0] + load[1], ==, 49);
  plan_and_check (f.t, longs, 3, load);
  g_assert_cmpfloat (MAX (load[0], load[1]), ==, 2 * 206);
  fixture_clear (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/tuner-lanes/even", test_even);
  g_test_add_func ("/engine/tuner-lanes/random", test_random);
  g_test_add_func ("/engine/tuner-lanes/edges", test_edges);
  return g_test_run ();
}
