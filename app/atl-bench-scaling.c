/* atl-bench-scaling.c: how cost grows (see atl-bench-scaling.h).
 *
 * Each point is warmed up once and is the median of `runs` timed repetitions (3; 1 when
 * quick). Training sweeps T at B 8 and B at T 128: B 32 × T 390 would keep ~0.8 GB of
 * activations, more than the studio may use.
 *
 * Dimension legend: B batch, T sequence length, D reward inputs (F + E), P comparisons.
 */
#include "atl-bench-scaling.h"

#include <cairo.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "atl-adamw.h"
#include "atl-cli-generate.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-nn.h"
#include "atl-plot-draw.h"
#include "atl-policy.h"
#include "atl-reward.h"
#include "atl-sampler.h"
#include "atl-store.h"

static const int lengths[] = { 32, 64, 128, 256, 390 };
static const int batches[] = { 1, 4, 16, 32 };
static const int comparisons[] = { 100, 1000, 2000, 20000 };

enum { GRID_B = 12, TRAIN_B = 8, MID_T = 128, WORKS = 300, F = 40, E = 128,
       STORE_TOKENS = 64 };

void
atl_bench_scaling_options_init (AtlBenchScalingOptions *options)
{
  *options = (AtlBenchScalingOptions) { .quick = FALSE, .huge = FALSE, .threads = 2 };
}

static void
series_free (gpointer data)
{
  AtlBenchSeries *s = data;

  g_free (s->title);
  g_free (s->x_name);
  g_free (s->unit);
  g_array_unref (s->x);
  g_array_unref (s->value);
  g_array_unref (s->cpu);
  g_free (s);
}

void
atl_bench_scaling_result_clear (AtlBenchScalingResult *result)
{
  g_clear_pointer (&result->series, g_ptr_array_unref);
}

static AtlBenchSeries *
add_series (AtlBenchScalingResult *result,
            const char            *title,
            const char            *x_name,
            const char            *unit)
{
  AtlBenchSeries *s = g_new0 (AtlBenchSeries, 1);

  s->title = g_strdup (title);
  s->x_name = g_strdup (x_name);
  s->unit = g_strdup (unit);
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->value = g_array_new (FALSE, FALSE, sizeof (double));
  s->cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (result->series, s);
  return s;
}

static void
add_point (AtlBenchSeries *s,
           double          x,
           const double    ms[2])   /* wall, CPU */
{
  g_array_append_val (s->x, x);
  g_array_append_val (s->value, ms[0]);
  g_array_append_val (s->cpu, ms[1]);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v,
        int     n)
{
  qsort (v, n, sizeof (double), (GCompareFunc) compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A pair of clocks: wall and this process's CPU time, in ms. */
typedef struct
{
  gint64 wall;
  double cpu;
} Clock;

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static Clock
clock_start (void)
{
  return (Clock) { g_get_monotonic_time (), cpu_ms () };
}

static void
clock_stop (Clock   c,
            double *wall,
            double *cpu)
{
  *wall = (g_get_monotonic_time () - c.wall) * 1e-3;
  *cpu = cpu_ms () - c.cpu;
}

/* ms[0] = the median of wall[0 … n−1], ms[1] of cpu. */
static void
medians (double *wall,
         double *cpu,
         int     n,
         double  ms[2])
{
  ms[0] = median (wall, n);
  ms[1] = median (cpu, n);
}

/* ---- sampling and training ---- */

static gboolean
time_sampling (AtlPolicy  *policy,
               AtlSampler *sampler,
               int         B,
               int         T,
               int         runs,
               double      out_ms[2],
               GError    **error)
{
  AtlSampleOptions o = { .temperature = 1.0f, .top_p = 1.0f, .end_token = -1, .max_len = T };
  g_autofree int *tokens = g_new0 (int, (gsize) B * T);
  g_autofree int *prompt_lens = g_new (int, B);
  g_autofree int *lens = g_new (int, B);
  g_autofree AtlRng *rows = g_new (AtlRng, B);
  double wall[9], cpu[9];
  AtlMsg msg;
  AtlRng rng;

  atl_rng_seed (&rng, 5);
  for (int b = 0; b < B; b++)
    prompt_lens[b] = 1;
  /* A generator per row, as the studio samples: the rows decode in lanes. */
  o.row_rngs = rows;
  for (int r = -1; r < runs; r++)
    {
      Clock t0;
      AtlStatus status;

      for (int b = 0; b < B; b++)
        atl_rng_seed (&rows[b], atl_rng_next (&rng));
      t0 = clock_start ();
      status = atl_sampler_run (sampler, &rng, &o, B, prompt_lens, tokens, lens,
                                          NULL, &msg);

      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      if (r >= 0)
        clock_stop (t0, &wall[r], &cpu[r]);
      else if (lens[0] != T)
        {
          g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_NUMERIC,
                       "scaling: sampled %d tokens, not %d", lens[0], T);
          return FALSE;
        }
    }
  medians (wall, cpu, runs, out_ms);
  return TRUE;
}

static gboolean
time_training (AtlPolicy *policy,
               AtlAdamW  *opt,
               int        B,
               int        T,
               int        runs,
               double     out_ms[2],
               GError   **error)
{
  AtlAdamWConfig config = { .lr = 1e-4f, .beta1 = 0.9f, .beta2 = 0.95f, .eps = 1e-8f,
                            .weight_decay = 0.0f, .clip_norm = 1.0f };
  int V = atl_policy_get_config (policy)->vocab;
  g_autofree int *inputs = g_new (int, (gsize) B * T);
  g_autofree int *targets = g_new (int, (gsize) B * T);
  double wall[9], cpu[9];
  float loss = 0.0f;
  g_autoptr(AtlPolicyLanes) lanes = NULL;
  AtlMsg msg;
  AtlRng rng;

  if (atl_policy_lanes_new (policy, &lanes, &msg) != ATL_OK)
    return atl_set_engine_error (error, ATL_ERR_NOMEM, &msg);
  atl_rng_seed (&rng, 6);
  for (int i = 0; i < B * T; i++)
    {
      inputs[i] = (int) atl_rng_below (&rng, V);
      targets[i] = (int) atl_rng_below (&rng, V);
    }
  for (int r = -1; r < runs; r++)
    {
      Clock t0 = clock_start ();
      AtlStatus status;

      atl_policy_zero_grads (policy);
      status = atl_policy_lanes_step (lanes, inputs, targets, B, T, &loss, &msg);
      if (status == ATL_OK)
        status = atl_adamw_step (opt, &config, atl_policy_get_params (policy),
                                 atl_policy_get_grads (policy), NULL, &msg);
      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      if (!isfinite (loss))
        {
          g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_NUMERIC, "scaling: loss %g", loss);
          return FALSE;
        }
      if (r >= 0)
        clock_stop (t0, &wall[r], &cpu[r]);
    }
  medians (wall, cpu, runs, out_ms);
  return TRUE;
}

static gboolean
bench_policy (const AtlBenchScalingOptions *o,
              int                           runs,
              AtlBenchScalingResult        *result,
              GError                      **error)
{
  AtlPolicyConfig config;
  AtlPolicy *policy = NULL;
  AtlSampler *sampler = NULL;
  AtlAdamW *opt = NULL;
  AtlBenchSeries *s_t, *s_b, *t_t, *t_b;
  AtlStatus status;
  gboolean ok = TRUE;
  AtlMsg msg;
  AtlRng rng;
  double ms[2];

  atl_domain_default_config (ATL_DOMAIN_ART, &config);
  status = atl_policy_new (&config, &policy, &msg);
  if (status == ATL_OK)
    status = atl_sampler_new (policy, batches[G_N_ELEMENTS (batches) - 1], &sampler, &msg);
  if (status == ATL_OK)
    status = atl_adamw_new (atl_policy_get_n_params (policy), &opt, &msg);
  if (status != ATL_OK)
    {
      atl_sampler_free (sampler);
      atl_policy_free (policy);
      return atl_set_engine_error (error, status, &msg);
    }
  atl_rng_seed (&rng, 4);
  atl_policy_init_weights (policy, &rng);
  atl_nn_set_threads (o->threads);

  s_t = add_series (result, "sampling, B 12 (ms)", "T", "ms");
  s_b = add_series (result, "sampling, T 128 (ms)", "B", "ms");
  t_t = add_series (result, "training step, B 8 (ms)", "T", "ms");
  t_b = add_series (result, "training step, T 128 (ms)", "B", "ms");
  for (guint i = 0; ok && i < G_N_ELEMENTS (lengths); i++)
    if (lengths[i] <= config.ctx && (ok = time_sampling (policy, sampler, GRID_B, lengths[i],
                                                         runs, ms, error)))
      add_point (s_t, lengths[i], ms);
  for (guint i = 0; ok && i < G_N_ELEMENTS (batches); i++)
    if ((ok = time_sampling (policy, sampler, batches[i], MID_T, runs, ms, error)))
      add_point (s_b, batches[i], ms);
  for (guint i = 0; ok && i < G_N_ELEMENTS (lengths); i++)
    if (lengths[i] <= config.ctx && (ok = time_training (policy, opt, TRAIN_B, lengths[i],
                                                         runs, ms, error)))
      add_point (t_t, lengths[i], ms);
  for (guint i = 0; ok && i < G_N_ELEMENTS (batches); i++)
    if ((ok = time_training (policy, opt, batches[i], MID_T, runs, ms, error)))
      add_point (t_b, batches[i], ms);
  atl_adamw_free (opt);
  atl_sampler_free (sampler);
  atl_policy_free (policy);
  return ok;
}

/* ---- reward refit ---- */

static gboolean
bench_reward (int                    runs,
              AtlBenchScalingResult *result,
              GError               **error)
{
  enum { D = F + E };
  g_autofree float *works = g_new (float, WORKS * D);
  g_autofree float *utility = g_new (float, WORKS);
  float taste[D];
  AtlBenchSeries *series = add_series (result, "reward refit (ms)", "comparisons", "ms");
  AtlRewardConfig config;
  AtlReward *model = NULL;
  AtlStatus status;
  AtlMsg msg;
  AtlRng rng;

  atl_rng_seed (&rng, 2024);
  for (int d = 0; d < D; d++)
    taste[d] = atl_rng_normal (&rng) / sqrtf (D);
  for (int i = 0; i < WORKS; i++)
    {
      utility[i] = 0.0f;
      for (int d = 0; d < D; d++)
        {
          works[i * D + d] = atl_rng_normal (&rng);
          utility[i] += 2.0f * taste[d] * works[i * D + d];
        }
    }
  atl_reward_config_init (&config, F, E);
  status = atl_reward_new (&config, &model, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg);
  for (guint k = 0; k < G_N_ELEMENTS (comparisons); k++)
    {
      int P = comparisons[k];
      g_autofree AtlRewardPair *pairs = g_new (AtlRewardPair, P);
      double wall[9], cpu[9];
      int n_runs = P > 5000 ? MIN (runs, 3) : runs;

      /* Bradley–Terry answers to random pairs. */
      for (int p = 0; p < P; p++)
        {
          int a = (int) atl_rng_below (&rng, WORKS), b = (int) atl_rng_below (&rng, WORKS - 1);
          float win;

          b += b >= a;
          win = 1.0f / (1.0f + expf (utility[b] - utility[a]));
          pairs[p] = atl_rng_uniform (&rng) < win ? (AtlRewardPair) { a, b }
                                                  : (AtlRewardPair) { b, a };
        }
      for (int r = -1; r < n_runs; r++)
        {
          AtlRewardFitReport report;
          AtlRng fit_rng;
          Clock t0;

          atl_rng_seed (&fit_rng, 1);
          t0 = clock_start ();
          status = atl_reward_fit (model, works, WORKS, pairs, P, NULL, &fit_rng, &report,
                                   &msg);
          if (status != ATL_OK)
            {
              atl_reward_free (model);
              return atl_set_engine_error (error, status, &msg);
            }
          if (r >= 0)
            clock_stop (t0, &wall[r], &cpu[r]);
        }
      {
        double ms[2];

        medians (wall, cpu, n_runs, ms);
        add_point (series, P, ms);
      }
    }
  atl_reward_free (model);
  return TRUE;
}

/* ---- store ---- */

/* n works as n/2 imported comparisons, in one transaction. */
static gboolean
fill_store (AtlStore *store,
            gint64    session,
            int       n,
            GError  **error)
{
  int n_pairs = n / 2;
  g_autofree gint32 *tokens = g_new (gint32, STORE_TOKENS);
  g_autofree AtlWorkSpec *specs = g_new0 (AtlWorkSpec, (gsize) 2 * n_pairs);
  g_autofree AtlImportPair *pairs = g_new0 (AtlImportPair, n_pairs);
  guint added = 0;

  for (int i = 0; i < STORE_TOKENS; i++)
    tokens[i] = 3 + i % 40;
  /* The seed tells the works apart (same tokens, seed and prompt = same work). */
  for (int i = 0; i < 2 * n_pairs; i++)
    specs[i] = (AtlWorkSpec) { .tokens = tokens, .n_tokens = STORE_TOKENS, .seed = i + 1,
                               .temperature = 1.0 };
  for (int p = 0; p < n_pairs; p++)
    pairs[p] = (AtlImportPair) { .winner = &specs[2 * p], .loser = &specs[2 * p + 1] };
  return atl_store_import_pairs (store, session, pairs, n_pairs, &added, error);
}

static gboolean
bench_store_size (int                    n,
                  int                    runs,
                  AtlBenchSeries       **series,
                  GError               **error)
{
  g_autofree char *dir = g_dir_make_tmp ("atl-bench-store-XXXXXX", error);
  g_autoptr(AtlStore) store = NULL;
  double wall[4][9], cpu[4][9];  /* (grid, picks, list, open) × runs */
  gint32 tokens[STORE_TOKENS];
  AtlWorkSpec specs[GRID_B];
  gint64 session, ids[GRID_B];
  gboolean ok = FALSE;

  if (dir == NULL)
    return FALSE;
  store = atl_store_open (dir, error);
  if (store == NULL)
    goto out;
  session = atl_store_create_session (store, "Scaling", ATL_DOMAIN_MUSIC, NULL, NULL, NULL,
                                      error);
  if (session == 0 || !fill_store (store, session, n, error))
    goto out;
  for (int i = 0; i < STORE_TOKENS; i++)
    tokens[i] = 5 + i % 30;
  for (int r = -1; r < runs; r++)
    {
      g_autoptr(GPtrArray) prefs = NULL;
      Clock t0;
      gint64 grid;

      for (int i = 0; i < GRID_B; i++)
        specs[i] = (AtlWorkSpec) { .tokens = tokens, .n_tokens = STORE_TOKENS,
                                   .seed = (guint64) n + 100 * (r + 2) + i,
                                   .temperature = 1.0 };
      t0 = clock_start ();
      grid = atl_store_add_grid (store, session, 0, "{}", specs, GRID_B, ids, error);
      if (grid == 0)
        goto out;
      if (r >= 0)
        clock_stop (t0, &wall[0][r], &cpu[0][r]);
      t0 = clock_start ();
      if (!atl_store_commit_picks (store, grid, ids, 2, NULL, 0, NULL, error))
        goto out;
      if (r >= 0)
        clock_stop (t0, &wall[1][r], &cpu[1][r]);
      t0 = clock_start ();
      prefs = atl_store_list_preferences (store, session, error);
      if (prefs == NULL)
        goto out;
      if (r >= 0)
        clock_stop (t0, &wall[2][r], &cpu[2][r]);
      t0 = clock_start ();
      if (!atl_store_close (store, error))
        goto out;
      g_clear_object (&store);
      store = atl_store_open (dir, error);
      if (store == NULL)
        goto out;
      if (r >= 0)
        clock_stop (t0, &wall[3][r], &cpu[3][r]);
    }
  for (int k = 0; k < 4; k++)
    {
      double ms[2];

      medians (wall[k], cpu[k], runs, ms);
      add_point (series[k], n, ms);
    }
  ok = TRUE;
out:
  g_clear_object (&store);
  {
    char *rm[] = { "rm", "-rf", dir, NULL };

    g_spawn_sync (NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return ok;
}

static gboolean
bench_store (const AtlBenchScalingOptions *o,
             int                           runs,
             AtlBenchScalingResult        *result,
             GError                      **error)
{
  int sizes[] = { 1000, 10000, 100000, 1000000 };
  int n_sizes = o->huge ? 4 : o->quick ? 2 : 3;
  AtlBenchSeries *series[4] = {
    add_series (result, "store: add a grid of 12 (ms)", "works", "ms"),
    add_series (result, "store: commit picks (ms)", "works", "ms"),
    add_series (result, "store: list preferences (ms)", "works", "ms"),
    add_series (result, "store: close and open (ms)", "works", "ms"),
  };

  for (int i = 0; i < n_sizes; i++)
    if (!bench_store_size (sizes[i], runs, series, error))
      return FALSE;
  return TRUE;
}

gboolean
atl_bench_scaling_run (const AtlBenchScalingOptions *o,
                       AtlBenchScalingResult        *result,
                       GError                      **error)
{
  int runs = o->quick ? 1 : 3;

  result->series = g_ptr_array_new_with_free_func (series_free);
  g_printerr ("bench scaling: sampling and training…\n");
  if (!bench_policy (o, runs, result, error))
    return FALSE;
  g_printerr ("bench scaling: reward refit…\n");
  if (!bench_reward (runs, result, error))
    return FALSE;
  g_printerr ("bench scaling: store…\n");
  return bench_store (o, runs, result, error);
}

char *
atl_bench_scaling_format (const AtlBenchScalingResult *r,
                          gboolean                     json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tables");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->series->len; i++)
        {
          const AtlBenchSeries *s = g_ptr_array_index (r->series, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->title);
          json_builder_set_member_name (b, "x");
          json_builder_add_string_value (b, s->x_name);
          json_builder_set_member_name (b, "unit");
          json_builder_add_string_value (b, s->unit);
          /* [x, wall ms, process CPU ms] */
          json_builder_set_member_name (b, "points");
          json_builder_begin_array (b);
          for (guint k = 0; k < s->x->len; k++)
            {
              json_builder_begin_array (b);
              json_builder_add_double_value (b, g_array_index (s->x, double, k));
              json_builder_add_double_value (b, g_array_index (s->value, double, k));
              json_builder_add_double_value (b, g_array_index (s->cpu, double, k));
              json_builder_end_array (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (generator, root);
      return json_generator_to_data (generator, NULL);
    }
  {
    GString *out = g_string_new (NULL);

    for (guint i = 0; i < r->series->len; i++)
      {
        const AtlBenchSeries *s = g_ptr_array_index (r->series, i);

        g_string_append_printf (out, "%s\n  %12s", s->title, s->x_name);
        for (guint k = 0; k < s->x->len; k++)
          g_string_append_printf (out, " %10.0f", g_array_index (s->x, double, k));
        g_string_append_printf (out, "\n  %12s", "wall ms");
        for (guint k = 0; k < s->x->len; k++)
          g_string_append_printf (out, " %10.3g", g_array_index (s->value, double, k));
        g_string_append_printf (out, "\n  %12s", "CPU ms");
        for (guint k = 0; k < s->x->len; k++)
          g_string_append_printf (out, " %10.3g", g_array_index (s->cpu, double, k));
        g_string_append (out, "\n");
      }
    return g_string_free (out, FALSE);
  }
}

/* "20k", "1M": "%g" wrote a million works as 1e+06. */
static char *
x_label (double x)
{
  if (x >= 1e6 && fmod (x, 1e6) == 0.0)
    return g_strdup_printf ("%gM", x / 1e6);
  if (x >= 1e3 && fmod (x, 1e3) == 0.0)
    return g_strdup_printf ("%gk", x / 1e3);
  return g_strdup_printf ("%g", x);
}

gboolean
atl_bench_scaling_plot (const AtlBenchScalingResult *r,
                        const char                  *path,
                        GError                     **error)
{
  enum { COLS = 3, CELL_W = 360, CELL_H = 220 };
  int rows = ((int) r->series->len + COLS - 1) / COLS;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, COLS * CELL_W,
                                                         rows * CELL_H);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  cairo_status_t status;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint i = 0; i < r->series->len; i++)
    {
      const AtlBenchSeries *s = g_ptr_array_index (r->series, i);
      g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *title = g_strdup_printf ("%s, CPU", s->title);
      /* CPU time: on a shared machine it is the steadier of the two clocks. */
      AtlPlotLine line = { .values = (const double *) s->cpu->data, .n = s->cpu->len,
                           .reference = NAN, .fg = { 0.2, 0.2, 0.2 }, .title = title };

      for (guint k = 0; k < s->x->len; k++)
        g_ptr_array_add (labels, x_label (g_array_index (s->x, double, k)));
      g_ptr_array_add (labels, NULL);
      line.x_labels = (const char * const *) labels->pdata;
      atl_plot_line_fit_range (&line);
      cairo_save (cr);
      cairo_translate (cr, (i % COLS) * CELL_W + 8, (i / COLS) * CELL_H + 6);
      atl_plot_draw_line (cr, CELL_W - 16, CELL_H - 12, &line);
      cairo_restore (cr);
    }
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, tmp);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s", tmp,
                   cairo_status_to_string (status));
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "Cannot rename “%s” to “%s”: %s", tmp, path, g_strerror (errno));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

gboolean
atl_cli_bench_scaling_cb (int      argc,
                          char   **argv,
                          GError **error)
{
  g_autofree char *plot = NULL, *text = NULL;
  gboolean json = FALSE;
  AtlBenchScalingOptions options;
  AtlBenchScalingResult result = { 0 };
  gboolean ok;

  atl_bench_scaling_options_init (&options);
  {
    GOptionEntry entries[] = {
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
      { "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot, "Also draw the tables into a PNG", "FILE" },
      { "quick", 0, 0, G_OPTION_ARG_NONE, &options.quick,
        "One run per point, stores up to 10,000 works", NULL },
      { "huge", 0, 0, G_OPTION_ARG_NONE, &options.huge,
        "Also a store of 1,000,000 works (minutes)", NULL },
      { "threads", 0, 0, G_OPTION_ARG_INT, &options.threads, "BLAS threads (2)", "N" },
      { NULL }
    };

    if (!atl_cli_parse_options ("bench scaling", "How cost grows with size", entries, argc,
                                argv, error))
      return FALSE;
  }
  ok = atl_bench_scaling_run (&options, &result, error)
       && (plot == NULL || atl_bench_scaling_plot (&result, plot, error));
  if (ok)
    {
      text = atl_bench_scaling_format (&result, json);
      printf ("%s\n", text);
    }
  atl_bench_scaling_result_clear (&result);
  return ok;
}
