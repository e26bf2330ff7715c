/* atl-bench-nn.c: the nn benchmark (see atl-bench-nn.h).
 *
 * Every timed section is warmed up and its result checked first (the loss starts at
 * ln V and falls; sampled log-probs are finite), and each figure is the median of several
 * timed repetitions. The PyTorch peer runs as a subprocess after the C measurements, with
 * OMP_WAIT_POLICY=PASSIVE added to the inherited environment (OPENBLAS_CORETYPE and the
 * rest pass through untouched).
 *
 * Dimension legend: B batch, T time, C d_model, V vocab, L layers.
 */
#include "atl-bench-nn.h"

#include <cblas.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "atl-adamw.h"
#include "atl-bench-util.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-nn.h"
#include "atl-policy.h"
#include "atl-sampler.h"

enum
{
  BENCH_V = 128, BENCH_CTX = 128, BENCH_C = 128, BENCH_L = 4, BENCH_NH = 4,
  BENCH_B = 32, BENCH_T = 128,
  SAMPLE_B = 16, SAMPLE_LEN = 128,
  PEAK_N = 1536,
};

void
atl_bench_nn_options_init (AtlBenchNnOptions *options)
{
  *options = (AtlBenchNnOptions) { .threads = 2, .train_steps = 10, .sample_runs = 5,
                                   .pytorch = TRUE, .torch_script = NULL };
}

static double
sgemm_peak_gflops (void)
{
  gsize n = (gsize) PEAK_N * PEAK_N;
  g_autofree float *a = g_new (float, n);
  g_autofree float *b = g_new (float, n);
  g_autofree float *c = g_new (float, n);
  double times[5];

  for (gsize i = 0; i < n; i++)
    {
      a[i] = (float) (i % 7) * 0.1f;
      b[i] = (float) (i % 5) * 0.1f;
    }
  for (int r = -1; r < 5; r++)
    {
      gint64 start = g_get_monotonic_time ();

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, PEAK_N, PEAK_N, PEAK_N,
                   1.0f, a, PEAK_N, b, PEAK_N, 0.0f, c, PEAK_N);
      if (r >= 0)
        times[r] = (g_get_monotonic_time () - start) * 1e-6;
    }
  return 2.0 * PEAK_N * PEAK_N * (double) PEAK_N / atl_bench_median (times, 5) * 1e-9;
}

/* Matmul FLOPs of one training step that do useful work: forward linear layers and head,
 * twice that in backward, attention scores and mixing over the causal half. */
static double
train_step_flops (void)
{
  double N = (double) BENCH_B * BENCH_T, C = BENCH_C;
  double linear = 2.0 * N * (12.0 * C * C * BENCH_L + C * BENCH_V);
  double attention = 4.0 * BENCH_B * (BENCH_T * (BENCH_T + 1) / 2.0) * C * BENCH_L;

  return 3.0 * (linear + attention);
}

static gboolean
bench_train (const AtlBenchNnOptions *options,
             AtlPolicy               *policy,
             AtlBenchNnResult        *result,
             GError                 **error)
{
  int n_tokens = BENCH_B * (BENCH_T + 1);
  g_autofree int *data = g_new (int, n_tokens);
  g_autofree int *inputs = g_new (int, BENCH_B * BENCH_T);
  g_autofree int *targets = g_new (int, BENCH_B * BENCH_T);
  g_autofree double *times = g_new (double, options->train_steps);
  AtlAdamWConfig config = { .lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.95f, .eps = 1e-8f,
                            .weight_decay = 0.1f, .clip_norm = 1.0f };
  AtlAdamW *opt = NULL;
  g_autoptr(AtlPolicyLanes) lanes = NULL;
  const AtlPolicyTensor *tensors;
  int n_tensors;
  float first_loss = 0.0f, loss = 0.0f;
  AtlStatus status;
  AtlMsg msg;
  AtlRng rng;

  atl_rng_seed (&rng, 1);
  for (int i = 0; i < n_tokens; i++)
    data[i] = atl_rng_below (&rng, BENCH_V);
  for (int b = 0; b < BENCH_B; b++)
    for (int t = 0; t < BENCH_T; t++)
      {
        inputs[b * BENCH_T + t] = data[b * (BENCH_T + 1) + t];
        targets[b * BENCH_T + t] = data[b * (BENCH_T + 1) + t + 1];
      }
  status = atl_policy_lanes_new (policy, &lanes, &msg);
  if (status == ATL_OK)
    status = atl_adamw_new (atl_policy_get_n_params (policy), &opt, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg);
  tensors = atl_policy_get_tensors (policy, &n_tensors);
  for (int i = 0; i < n_tensors; i++)
    atl_adamw_set_decay (opt, tensors[i].offset, tensors[i].numel, tensors[i].decay);

  for (int step = -3; step < options->train_steps; step++)
    {
      gint64 start = g_get_monotonic_time ();

      atl_policy_zero_grads (policy);
      status = atl_policy_lanes_step (lanes, inputs, targets, BENCH_B, BENCH_T, &loss, &msg);
      if (status == ATL_OK)
        status = atl_adamw_step (opt, &config, atl_policy_get_params (policy),
                                 atl_policy_get_grads (policy), NULL, &msg);
      if (status != ATL_OK)
        {
          atl_adamw_free (opt);
          return atl_set_engine_error (error, status, &msg);
        }
      if (step == -3)
        first_loss = loss;
      else if (step >= 0)
        times[step] = (g_get_monotonic_time () - start) * 1e-6;
      /* The warm-up steps double as the check: a fresh model starts near ln V and learns. */
      if (step == -1 && !(fabsf (first_loss - logf (BENCH_V)) < 0.1f && loss < first_loss))
        {
          atl_adamw_free (opt);
          g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_NUMERIC,
                       "training check failed: loss %g then %g (expected %g, falling)",
                       first_loss, loss, logf (BENCH_V));
          return FALSE;
        }
    }
  atl_adamw_free (opt);
  result->train_step_ms = 1e3 * atl_bench_median (times, options->train_steps);
  result->train_tokens_per_s = BENCH_B * BENCH_T / (result->train_step_ms * 1e-3);
  result->train_gflops = train_step_flops () / (result->train_step_ms * 1e-3) * 1e-9;
  return TRUE;
}

static gboolean
bench_sample (const AtlBenchNnOptions *options,
              AtlPolicy               *policy,
              AtlBenchNnResult        *result,
              GError                 **error)
{
  AtlSampleOptions sample = { .temperature = 1.0f, .top_p = 1.0f, .end_token = -1,
                              .max_len = SAMPLE_LEN };
  AtlSampler *sampler = NULL;
  int prompt_lens[SAMPLE_B], lens[SAMPLE_B];
  AtlRng rows[SAMPLE_B];
  g_autofree int *tokens = g_new0 (int, SAMPLE_B * SAMPLE_LEN);
  g_autofree float *logp = g_new (float, SAMPLE_B * SAMPLE_LEN);
  g_autofree double *times = g_new (double, options->sample_runs);
  AtlStatus status;
  AtlMsg msg;
  AtlRng rng;

  status = atl_sampler_new (policy, SAMPLE_B, &sampler, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg);
  atl_rng_seed (&rng, 2);
  for (int b = 0; b < SAMPLE_B; b++)
    prompt_lens[b] = 1;
  for (int run = -1; run < options->sample_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();

      /* A generator per row, as the studio samples (a work's seed alone reproduces it),
       * which lets the rows decode in lanes. */
      for (int b = 0; b < SAMPLE_B; b++)
        {
          tokens[b * SAMPLE_LEN] = 0;
          atl_rng_seed (&rows[b], atl_rng_next (&rng));
        }
      sample.row_rngs = rows;
      status = atl_sampler_run (sampler, &rng, &sample, SAMPLE_B, prompt_lens, tokens, lens,
                                logp, &msg);
      if (status != ATL_OK)
        {
          atl_sampler_free (sampler);
          return atl_set_engine_error (error, status, &msg);
        }
      if (run >= 0)
        times[run] = (g_get_monotonic_time () - start) * 1e-6;
      for (int i = 0; i < SAMPLE_B * SAMPLE_LEN; i++)
        if (!isfinite (logp[i]) || (i % SAMPLE_LEN > 0 && logp[i] >= 0.0f)
            || lens[i / SAMPLE_LEN] != SAMPLE_LEN)
          {
            atl_sampler_free (sampler);
            g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_NUMERIC,
                         "sampling check failed at %d: logp %g, length %d", i, logp[i],
                         lens[i / SAMPLE_LEN]);
            return FALSE;
          }
    }
  atl_sampler_free (sampler);
  result->sample_ms = 1e3 * atl_bench_median (times, options->sample_runs);
  result->sample_tokens_per_s = SAMPLE_B * (SAMPLE_LEN - 1) / (result->sample_ms * 1e-3);
  return TRUE;
}

static char *
find_torch_script (const AtlBenchNnOptions *options)
{
  const char *source_dir = g_getenv ("ATL_SOURCE_DIR");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  char *candidates[4] = { NULL };
  char *found = NULL;

  if (options->torch_script != NULL)
    return g_strdup (options->torch_script);
  /* The source tree: named by the environment, or above a build directory inside it. */
  if (source_dir != NULL)
    candidates[0] = g_build_filename (source_dir, "tests", "bench", "bench_nn_torch.py", NULL);
  if (exe_dir != NULL)
    {
      candidates[1] = g_build_filename (exe_dir, "..", "tests", "bench", "bench_nn_torch.py",
                                        NULL);
      candidates[2] = g_build_filename (exe_dir, "..", "..", "..", "tests", "bench",
                                        "bench_nn_torch.py", NULL);
    }
  for (int i = 0; i < 3; i++)
    if (found == NULL && candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      found = g_strdup (candidates[i]);
  for (int i = 0; i < 3; i++)
    g_free (candidates[i]);
  return found;
}

static gboolean
bench_pytorch (const AtlBenchNnOptions *options,
               AtlBenchNnResult        *result,
               GError                 **error)
{
  g_autofree char *script = find_torch_script (options);
  g_autofree char *steps = g_strdup_printf ("%d", options->train_steps);
  g_autofree char *runs = g_strdup_printf ("%d", options->sample_runs);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  int wait_status;

  if (script == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "cannot find tests/bench/bench_nn_torch.py (set ATL_SOURCE_DIR)");
      return FALSE;
    }
  env = g_environ_setenv (env, "OMP_WAIT_POLICY", "PASSIVE", TRUE);
  if (!g_spawn_sync (NULL, (char *[]) { "/usr/bin/python3", script, steps, runs, NULL }, env,
                     G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_IO, "the PyTorch benchmark failed: %s", err);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, out, -1, error))
    return FALSE;
  obj = json_node_get_object (json_parser_get_root (parser));
  result->train_tokens_per_s_pytorch = json_object_get_double_member (obj, "train_tokens_per_s");
  result->sample_tokens_per_s_pytorch = json_object_get_double_member (obj, "sample_tokens_per_s");
  result->train_ratio = result->train_tokens_per_s / result->train_tokens_per_s_pytorch;
  result->sample_ratio = result->sample_tokens_per_s / result->sample_tokens_per_s_pytorch;
  return TRUE;
}

gboolean
atl_bench_nn_run (const AtlBenchNnOptions *options,
                  AtlBenchNnResult        *result,
                  GError                 **error)
{
  AtlPolicyConfig config = { .vocab = BENCH_V, .ctx = BENCH_CTX, .d_model = BENCH_C,
                             .n_layer = BENCH_L, .n_head = BENCH_NH };
  AtlPolicy *policy = NULL;
  AtlStatus status;
  AtlMsg msg;
  AtlRng rng;
  gboolean ok;

  *result = (AtlBenchNnResult) { .train_tokens_per_s_pytorch = NAN, .train_ratio = NAN,
                                 .sample_tokens_per_s_pytorch = NAN, .sample_ratio = NAN };
  atl_nn_set_threads (options->threads);
  result->sgemm_peak_gflops = sgemm_peak_gflops ();

  status = atl_policy_new (&config, &policy, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg);
  atl_rng_seed (&rng, 0);
  atl_policy_init_weights (policy, &rng);
  ok = bench_train (options, policy, result, error)
       && bench_sample (options, policy, result, error);
  atl_policy_free (policy);
  if (!ok)
    return FALSE;
  result->train_peak_fraction = result->train_gflops / result->sgemm_peak_gflops;
  if (options->pytorch)
    return bench_pytorch (options, result, error);
  return TRUE;
}

static void
add_number (JsonBuilder *builder,
            const char  *key,
            double       value)
{
  json_builder_set_member_name (builder, key);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
atl_bench_nn_format (const AtlBenchNnResult *r,
                     gboolean                json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      add_number (builder, "train_tokens_per_s", r->train_tokens_per_s);
      add_number (builder, "train_tokens_per_s_pytorch", r->train_tokens_per_s_pytorch);
      add_number (builder, "train_ratio", r->train_ratio);
      add_number (builder, "sgemm_peak_gflops", r->sgemm_peak_gflops);
      add_number (builder, "train_gflops", r->train_gflops);
      add_number (builder, "train_peak_fraction", r->train_peak_fraction);
      add_number (builder, "sample_tokens_per_s", r->sample_tokens_per_s);
      add_number (builder, "sample_tokens_per_s_pytorch", r->sample_tokens_per_s_pytorch);
      add_number (builder, "sample_ratio", r->sample_ratio);
      add_number (builder, "train_step_ms", r->train_step_ms);
      add_number (builder, "sample_ms", r->sample_ms);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      return json_generator_to_data (generator, NULL);
    }
  return g_strdup_printf (
    "nn benchmark: d_model %d, %d layers, %d heads, context %d, vocab %d\n"
    "  train step (B %d × T %d): %8.0f tokens/s  (%.1f ms)   PyTorch %8.0f tokens/s   ratio %.2f×\n"
    "  sgemm peak:                %8.1f GFLOP/s\n"
    "  train matmul throughput:   %8.1f GFLOP/s  = %.0f%% of peak\n"
    "  sampling (%d × %d, KV cache): %6.0f tokens/s  (%.1f ms)   PyTorch %8.0f tokens/s   ratio %.2f×\n",
    BENCH_C, BENCH_L, BENCH_NH, BENCH_CTX, BENCH_V, BENCH_B, BENCH_T,
    r->train_tokens_per_s, r->train_step_ms, r->train_tokens_per_s_pytorch, r->train_ratio,
    r->sgemm_peak_gflops, r->train_gflops, 100.0 * r->train_peak_fraction,
    SAMPLE_B, SAMPLE_LEN, r->sample_tokens_per_s, r->sample_ms,
    r->sample_tokens_per_s_pytorch, r->sample_ratio);
}
