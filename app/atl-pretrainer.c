/* atl-pretrainer.c: batches, the schedule and the loop of supervised training.
 *
 * A batch of B sequences becomes inputs (B,T) = seq[0 … len−2] and targets (B,T) =
 * seq[1 … len−1], T the longest in the batch minus one; shorter rows are padded with PAD
 * inputs and target −1 (masked), so no padding is ever learned.
 */
#include "atl-pretrainer.h"

#include <math.h>
#include <string.h>

#include "atl-codec.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-rng.h"

typedef struct
{
  int  B, T;
  int *tokens;    /* (B,T) */
  int *targets;   /* (B,T), −1 where masked */
  int  n_targets; /* unmasked targets */
} Batch;

static void
batch_clear (Batch *batch)
{
  g_clear_pointer (&batch->tokens, g_free);
  g_clear_pointer (&batch->targets, g_free);
}

/* Fills batch with the sequences at indices[0 … B−1] of set. */
static void
batch_fill (Batch             *batch,
            const AtlTokenSet *set,
            const guint       *indices,
            int                B,
            int                ctx)
{
  int T = 1;

  for (int b = 0; b < B; b++)
    {
      guint len;

      atl_token_set_get (set, indices[b], &len);
      T = MAX (T, MIN ((int) len - 1, ctx));
    }

  batch_clear (batch);
  batch->B = B;
  batch->T = T;
  batch->tokens = g_new (int, (gsize) B * T);
  batch->targets = g_new (int, (gsize) B * T);
  batch->n_targets = 0;

  for (int b = 0; b < B; b++)
    {
      guint len;
      const int *seq = atl_token_set_get (set, indices[b], &len);
      int n = MIN ((int) len - 1, ctx);

      for (int t = 0; t < T; t++)
        {
          gboolean real = t < n;

          batch->tokens[b * T + t] = real ? seq[t] : ATL_TOKEN_PAD;
          batch->targets[b * T + t] = real ? seq[t + 1] : -1;
          batch->n_targets += real;
        }
    }
}

void
atl_pretrain_config_init (AtlPretrainConfig *config)
{
  *config = (AtlPretrainConfig) {
    .batch = 32,
    .steps = 2000,
    .lr = 1e-3f,
    .min_lr_ratio = 0.1f,
    .warmup = 100,
    .weight_decay = 0.1f,
    .clip_norm = 1.0f,
    .eval_every = 250,
    .eval_sample = 512,
    .seed = 1,
  };
}

static float
schedule (const AtlPretrainConfig *config,
          int                      step)
{
  double progress;

  if (step < config->warmup)
    return config->lr * (float) (step + 1) / (float) config->warmup;
  progress = (double) (step - config->warmup) / MAX (1, config->steps - config->warmup);
  progress = MIN (progress, 1.0);
  return config->lr * (float) (config->min_lr_ratio + (1.0 - config->min_lr_ratio)
                               * 0.5 * (1.0 + cos (G_PI * progress)));
}

/* Mean NLL per token of the first n sequences of set (all when n exceeds its size). */
static gboolean
eval_range (AtlPolicy          *policy,
            const AtlTokenSet  *set,
            int                 batch_size,
            guint               n,
            double             *out_nll,
            GError            **error)
{
  int ctx = atl_policy_get_config (policy)->ctx;
  g_autofree guint *indices = g_new (guint, MAX (batch_size, 1));
  Batch batch = { 0 };
  double total = 0.0;
  gint64 count = 0;

  n = MIN (n, atl_token_set_get_size (set));
  for (guint start = 0; start < n; start += (guint) batch_size)
    {
      int B = (int) MIN ((guint) batch_size, n - start);
      AtlMsg msg = { { 0 } };
      AtlStatus status;
      float loss;

      for (int b = 0; b < B; b++)
        indices[b] = start + (guint) b;
      batch_fill (&batch, set, indices, B, ctx);
      status = atl_policy_forward (policy, batch.tokens, batch.targets, NULL, B, batch.T,
                                   &loss, NULL, &msg);
      if (status != ATL_OK)
        {
          batch_clear (&batch);
          return atl_set_engine_error (error, status, &msg);
        }
      total += (double) loss * batch.n_targets;
      count += batch.n_targets;
    }
  batch_clear (&batch);
  *out_nll = count > 0 ? total / (double) count : NAN;
  return TRUE;
}

gboolean
atl_pretrain_eval (AtlPolicy          *policy,
                   const AtlTokenSet  *set,
                   int                 batch_size,
                   double             *out_nll,
                   GError            **error)
{
  return eval_range (policy, set, batch_size, atl_token_set_get_size (set), out_nll, error);
}

gboolean
atl_pretrain_run (AtlPolicy               *policy,
                  const AtlTokenSet       *train,
                  const AtlTokenSet       *val,
                  const AtlPretrainConfig *config,
                  AtlPretrainProgressFunc  progress,
                  gpointer                 user_data,
                  GCancellable            *cancellable,
                  AtlPretrainReport       *out_report,
                  GError                 **error)
{
  int ctx = atl_policy_get_config (policy)->ctx;
  size_t n_params = atl_policy_get_n_params (policy);
  guint n_train = atl_token_set_get_size (train);
  g_autoptr(AtlAdamW) opt = NULL;
  g_autoptr(AtlPolicyLanes) lanes = NULL;
  g_autofree guint *indices = g_new (guint, config->batch);
  const AtlPolicyTensor *tensors;
  AtlPretrainReport report = { .val_nll = NAN };
  Batch batch = { 0 };
  AtlAdamWConfig adamw = {
    .beta1 = 0.9f, .beta2 = 0.95f, .eps = 1e-8f,
    .weight_decay = config->weight_decay, .clip_norm = config->clip_norm,
  };
  AtlMsg msg = { { 0 } };
  AtlStatus status;
  AtlRng rng;
  gint64 started = g_get_monotonic_time ();
  guint64 tokens_seen = 0;
  double loss_sum = 0.0;
  int loss_count = 0;
  int n_tensors;

  if (n_train == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The training set is empty");
      return FALSE;
    }

  status = atl_adamw_new (n_params, &opt, &msg);
  if (status == ATL_OK)
    status = atl_policy_lanes_new (policy, &lanes, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg);
  /* LayerNorm gains and biases are not decayed, as in GPT-2 training. */
  tensors = atl_policy_get_tensors (policy, &n_tensors);
  for (int i = 0; i < n_tensors; i++)
    atl_adamw_set_decay (opt, tensors[i].offset, tensors[i].numel, tensors[i].decay);

  atl_rng_seed (&rng, config->seed);

  for (int step = 0; step < config->steps; step++)
    {
      float loss, grad_norm;
      gboolean evaluate;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;

      for (int b = 0; b < config->batch; b++)
        indices[b] = atl_rng_below (&rng, n_train);
      batch_fill (&batch, train, indices, config->batch, ctx);

      atl_policy_zero_grads (policy);
      status = atl_policy_lanes_step (lanes, batch.tokens, batch.targets, batch.B, batch.T,
                                      &loss, &msg);
      if (status == ATL_OK)
        {
          adamw.lr = schedule (config, step);
          status = atl_adamw_step (opt, &adamw, atl_policy_get_params (policy),
                                   atl_policy_get_grads (policy), &grad_norm, &msg);
        }
      if (status != ATL_OK)
        {
          atl_set_engine_error (error, status, &msg);
          g_prefix_error (error, "Step %d: ", step);
          goto fail;
        }

      tokens_seen += (guint64) batch.n_targets;
      loss_sum += loss;
      loss_count++;

      report.steps_done = step + 1;
      report.seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
      report.tokens_per_s = tokens_seen / MAX (report.seconds, 1e-9);
      report.train_loss = (float) (loss_sum / loss_count);
      report.val_nll = NAN;

      evaluate = step + 1 == config->steps
                 || (config->eval_every > 0 && (step + 1) % config->eval_every == 0);
      if (evaluate && val != NULL && atl_token_set_get_size (val) > 0)
        {
          /* Interim evaluations look at a fixed sample of the validation set, so they
           * stay cheap; the last one sees all of it. */
          gboolean last = step + 1 == config->steps;

          if (!eval_range (policy, val, config->batch,
                           last ? atl_token_set_get_size (val) : (guint) config->eval_sample,
                           &report.val_nll, error))
            goto fail;
        }
      if (progress != NULL)
        progress (&report, user_data);
      if (evaluate)
        {
          loss_sum = 0.0;
          loss_count = 0;
        }
    }

  batch_clear (&batch);
  if (out_report != NULL)
    *out_report = report;
  return TRUE;

fail:
  batch_clear (&batch);
  if (out_report != NULL)
    *out_report = report;
  return FALSE;
}
