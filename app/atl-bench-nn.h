/* atl-bench-nn.h: the nn benchmark behind `atelier bench nn` and tests/bench/bench-nn.
 *
 * Times the engine's training step (forward + backward + clipped AdamW, batch 32 × 128) and
 * KV-cached sampling (16 sequences × 128 tokens) on the reference size (d_model 128,
 * 4 layers, 4 heads, context 128, vocabulary 128), measures this machine's sgemm peak in
 * the same run, and runs the PyTorch peer (tests/bench/bench_nn_torch.py) for comparison.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int          threads;       /* BLAS threads, 2 like the studio */
  int          train_steps;   /* timed steps (median reported) */
  int          sample_runs;   /* timed sampling runs (median reported) */
  gboolean     pytorch;       /* also run the PyTorch peer */
  const char  *torch_script;  /* NULL: found from ATL_SOURCE_DIR or the executable */
} AtlBenchNnOptions;

/* Ratios and PyTorch figures are NaN when the peer did not run. */
typedef struct
{
  double train_tokens_per_s;
  double train_tokens_per_s_pytorch;
  double train_ratio;
  double train_gflops;          /* useful (causal) matmul FLOPs per second */
  double sgemm_peak_gflops;     /* 2 × 1536³ sgemm, median */
  double train_peak_fraction;   /* train_gflops / sgemm_peak_gflops */
  double sample_tokens_per_s;
  double sample_tokens_per_s_pytorch;
  double sample_ratio;
  double train_step_ms;
  double sample_ms;
} AtlBenchNnResult;

void     atl_bench_nn_options_init (AtlBenchNnOptions       *options);
gboolean atl_bench_nn_run          (const AtlBenchNnOptions *options,
                                    AtlBenchNnResult        *result,
                                    GError                 **error);
/* A human-readable table, or one JSON object with the keys of AtlBenchNnResult. */
char    *atl_bench_nn_format       (const AtlBenchNnResult  *result,
                                    gboolean                 json);

G_END_DECLS
