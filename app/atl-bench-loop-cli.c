/* atl-bench-loop-cli.c: `atelier bench loop` — its options and its table (text or JSON).
 * The runs themselves are atl-bench-loop.c.
 */
#include "atl-bench-loop.h"

#include <math.h>
#include <stdio.h>

#include "atl-cli-generate.h"
#include "atl-domain.h"

static void
json_number (GString    *s,
             const char *key,
             double      v)
{
  if (isnan (v))
    g_string_append_printf (s, ", \"%s\": null", key);
  else
    g_string_append_printf (s, ", \"%s\": %.4f", key, v);
}

static void
cell (GString *s,
      double   v,
      int      width,
      int      digits)
{
  if (isnan (v))   /* "—" is three bytes and one column */
    g_string_append_printf (s, " %*s", width + 2, "—");
  else
    g_string_append_printf (s, " %*.*f", width, digits, v);
}

char *
atl_bench_loop_format (const AtlBenchLoopResult *r,
                       gboolean                  json)
{
  GString *s = g_string_new (NULL);
  const char *domain = atl_domain_to_string (r->domain);

  if (json)
    {
      g_string_append_printf (s, "{\"domain\": \"%s\", \"seeds\": %d, \"rounds\": %d, "
                              "\"steps\": %d, \"grid\": %d, \"grids\": \"%s\"", domain,
                              r->seeds, r->rounds, r->steps, r->grid, r->pool);
      json_number (s, "round_seconds", r->round_seconds);
      json_number (s, "round_cpu_seconds", r->round_cpu_seconds);
      json_number (s, "rounds_timed", r->rounds_timed);
      json_number (s, "seconds", r->seconds);
      g_string_append (s, ", \"rows\": [");
      for (guint i = 0; i < r->rows->len; i++)
        {
          const AtlBenchLoopRow *row = r->rows->pdata[i];

          g_string_append_printf (s, "%s{\"domain\": \"%s\", \"taste\": \"%s\", "
                                  "\"method\": \"%s\"", i ? ", " : "", domain, row->taste,
                                  row->method);
          json_number (s, "win_rate", row->win_rate);
          json_number (s, "win_rate_3", row->win_rate_3);
          json_number (s, "kl", row->kl);
          json_number (s, "diversity", row->diversity);
          json_number (s, "distinct", row->distinct);
          json_number (s, "rm_accuracy", row->rm_accuracy);
          json_number (s, "rm_true_accuracy", row->rm_true);
          json_number (s, "rm_tuned_accuracy", row->rm_tuned);
          json_number (s, "grid_taste", row->grid_taste);
          json_number (s, "in_key", row->in_key);
          json_number (s, "excess_repeats", row->repeats);
          g_string_append (s, "}");
        }
      g_string_append (s, "]}");
      return g_string_free (s, FALSE);
    }

  g_string_append_printf (s, "Learning loop, %s: %d rounds of %d, %d tuner steps per round, "
                          "%d seed%s, blind pairs judged by the same taste; grids %s\n\n",
                          domain, r->rounds, r->grid, r->steps, r->seeds,
                          r->seeds == 1 ? "" : "s", r->pool);
  g_string_append (s, "taste        method     win@3  win  KL/seq  spread distinct RM acc "
                  "RM true tuned  grids");
  if (r->domain == ATL_DOMAIN_MUSIC)
    g_string_append (s, "  in-key repeats");
  g_string_append (s, "\n");
  for (guint i = 0; i < r->rows->len; i++)
    {
      const AtlBenchLoopRow *row = r->rows->pdata[i];

      g_string_append_printf (s, "%-12s %-9s", row->taste, row->method);
      cell (s, row->win_rate_3, 6, 2);
      cell (s, row->win_rate, 5, 2);
      cell (s, row->kl, 6, 2);
      cell (s, row->diversity, 7, 2);
      cell (s, row->distinct, 7, 2);
      cell (s, row->rm_accuracy, 6, 2);
      cell (s, row->rm_true, 7, 2);
      cell (s, row->rm_tuned, 6, 2);
      cell (s, row->grid_taste, 6, 2);
      if (r->domain == ATL_DOMAIN_MUSIC)
        {
          cell (s, 100 * row->in_key, 6, 1);
          cell (s, 100 * row->repeats, 6, 1);
        }
      g_string_append (s, "\n");
    }
  g_string_append (s, "\nRM acc: held out by round; RM true: against the taste itself on "
                  "base samples; tuned: the same on the tuned version's samples; grids: the "
                  "mean taste percentile of the works the artist saw in rounds 2…, among "
                  "base samples (0.50 = base)\n");
  if (isfinite (r->round_seconds))   /* only a learning session's rounds are timed */
    g_string_append_printf (s, "\nround (refit + %d RLOO steps of 16 + guards), mean of the %d "
                            "rounds that ran all steps: %.2f s wall, %.2f s CPU;", r->steps,
                            r->rounds_timed, r->round_seconds, r->round_cpu_seconds);
  g_string_append_printf (s, "%swhole bench %.0f s\n", isfinite (r->round_seconds) ? " " : "\n",
                          r->seconds);
  return g_string_free (s, FALSE);
}

gboolean
atl_cli_bench_loop_cb (int      argc,
                       char   **argv,
                       GError **error)
{
  g_autofree char *domain = NULL, *model = NULL, *tastes = NULL, *methods = NULL;
  g_autofree char *text = NULL;
  double beta = NAN, kl_target = NAN, kl_budget = NAN, lr = NAN, noise = 0.5;
  double diversity_floor = NAN, embed_scale = NAN, exploration = 0.25, lambda = NAN;
  gboolean json = FALSE, verbose = FALSE, no_pool = FALSE;
  AtlBenchLoopOptions o;
  AtlBenchLoopResult result;
  gboolean ok;

  atl_bench_loop_options_init (&o);
  {
    GOptionEntry entries[] = {
      { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, "music (default) or art", "D" },
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
      { "model", 0, 0, G_OPTION_ARG_FILENAME, &model, "Base checkpoint", "FILE" },
      { "tastes", 0, 0, G_OPTION_ARG_STRING, &tastes, "Comma-separated tastes (all)", "LIST" },
      { "methods", 0, 0, G_OPTION_ARG_STRING, &methods,
        "Comma-separated of none,rloo,best-of-8,dpo,mutation (all), or oracle (RLOO on the "
        "taste itself, only when named)", "LIST" },
      { "rounds", 0, 0, G_OPTION_ARG_INT, &o.rounds, "Rounds (10)", "N" },
      { "grid", 0, 0, G_OPTION_ARG_INT, &o.grid, "Candidates per round (12)", "N" },
      { "steps", 0, 0, G_OPTION_ARG_INT, &o.steps, "Tuner steps per round (20)", "N" },
      { "pairs", 0, 0, G_OPTION_ARG_INT, &o.eval_pairs, "Blind pairs (400)", "N" },
      { "seeds", 0, 0, G_OPTION_ARG_INT, &o.seeds, "Seeds to average (1)", "N" },
      { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "BLAS threads (2)", "N" },
      { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &noise, "Pick noise τ / base utility std (0.5)",
        "X" },
      { "beta", 0, 0, G_OPTION_ARG_DOUBLE, &beta, "Initial KL coefficient", "B" },
      { "kl-target", 0, 0, G_OPTION_ARG_DOUBLE, &kl_target, "KL target, nats", "X" },
      { "kl-budget", 0, 0, G_OPTION_ARG_DOUBLE, &kl_budget, "KL budget, nats", "X" },
      { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, "Tuner learning rate", "LR" },
      { "kl-in-loss", 0, 0, G_OPTION_ARG_INT, &o.kl_in_loss,
        "1: KL as a per-token loss term, 0: in the reward", "0|1" },
      { "kl-exact", 0, 0, G_OPTION_ARG_INT, &o.kl_exact,
        "1: KL of the whole next-token distributions, 0: of the tokens drawn", "0|1" },
      { "diversity-floor", 0, 0, G_OPTION_ARG_DOUBLE, &diversity_floor,
        "Stop tuning below this feature spread relative to base", "X" },
      { "embed-scale", 0, 0, G_OPTION_ARG_DOUBLE, &embed_scale,
        "Reward model's embedding weight, (0, 1] (chosen per fit among 0.05, 0.3)", "X" },
      { "lambda", 0, 0, G_OPTION_ARG_DOUBLE, &lambda,
        "Spread penalty λ of the tuner's reward (1)", "X" },
      { "exploration", 0, 0, G_OPTION_ARG_DOUBLE, &exploration,
        "Share of each grid spent on works the reward model is unsure of (0.25)", "X" },
      { "no-pool", 0, 0, G_OPTION_ARG_NONE, &no_pool,
        "Grids of the first samples, not chosen from a pool by the reward model", NULL },
      { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "A line per round on stderr", NULL },
      { NULL }
    };

    if (!atl_cli_parse_options ("bench loop", "Does the loop learn simulated tastes?",
                                entries, argc, argv, error))
      return FALSE;
  }
  if (domain != NULL && !atl_domain_parse (domain, &o.domain, error))
    return FALSE;
  o.model_path = model;
  o.tastes = tastes;
  o.methods = methods;
  o.noise = (float) noise;
  o.beta = (float) beta;
  o.kl_target = (float) kl_target;
  o.kl_budget = (float) kl_budget;
  o.lr = (float) lr;
  o.diversity_floor = (float) diversity_floor;
  o.embed_scale = (float) embed_scale;
  o.exploration = exploration;
  o.lambda = (float) lambda;
  o.no_pool = no_pool;
  o.verbose = verbose;
  ok = atl_bench_loop_run (&o, &result, error);
  if (ok)
    {
      text = atl_bench_loop_format (&result, json);
      printf ("%s\n", text);
    }
  atl_bench_loop_result_clear (&result);
  return ok;
}
