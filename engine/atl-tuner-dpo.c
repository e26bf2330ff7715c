/* atl-tuner-dpo.c: the tuner's alternatives to RLOO — DPO on stored pairs, best-of-n
 * reranking — and the frozen model's sequence embedding the reward model reads.
 *
 * Dimension legend: N pairs, B rows of a forward (≤ the tuner's cap), T positions,
 * L max_len, C d_model.
 */
#include "atl-tuner-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

AtlStatus
atl_tuner_embed (AtlPolicy *policy,
                 int        B,
                 const int *tokens,
                 int        stride,
                 const int *lens,
                 int        from_pos,
                 float     *out_embed,
                 float     *out_logp,
                 AtlMsg    *msg)
{
  int T = 1;
  int *inp, *tgt;
  float *mask, *logp;
  AtlStatus status;

  for (int b = 0; b < B; b++)
    {
      if (lens[b] < 2 || lens[b] - 1 > atl_policy_get_config (policy)->ctx)
        return atl_fail (msg, ATL_ERR_RANGE, "sequence %d has length %d", b, lens[b]);
      T = lens[b] - 1 > T ? lens[b] - 1 : T;
    }
  inp = calloc ((size_t) B * T, sizeof (int));
  tgt = calloc ((size_t) B * T, sizeof (int));
  mask = calloc ((size_t) B * T, sizeof (float));
  logp = calloc ((size_t) B * T, sizeof (float));
  if (inp == NULL || tgt == NULL || mask == NULL || logp == NULL)
    {
      status = atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate %d × %d positions", B, T);
      goto out;
    }
  /* s indexes input positions; the EOS is never an input, so it pools nothing. */
  for (int b = 0; b < B; b++)
    for (int s = 0; s < T; s++)
      {
        size_t i = (size_t) b * T + s;
        int live = s < lens[b] - 1;

        inp[i] = live ? tokens[(size_t) b * stride + s] : 0;
        tgt[i] = live && s + 1 >= from_pos ? tokens[(size_t) b * stride + s + 1] : -1;
        mask[i] = live ? 1.0f : 0.0f;
      }
  status = atl_policy_forward_frozen (policy, inp, tgt, NULL, B, T, NULL, logp, msg);
  if (status == ATL_OK && out_embed != NULL)
    status = atl_policy_pool (policy, mask, out_embed, msg);
  if (status == ATL_OK && out_logp != NULL)
    for (int b = 0; b < B; b++)
      {
        double sum = 0.0;

        for (int s = 0; s < T; s++)
          sum += logp[(size_t) b * T + s];
        out_logp[b] = (float) sum;
      }
out:
  free (inp);
  free (tgt);
  free (mask);
  free (logp);
  return status;
}

/* Σ over live positions of row b of log π̃(target): logp (B,T) of model's last forward,
 * renormalized over the grammar's allowed tokens. */
static void
masked_sums (AtlPolicy      *model,
             AtlGrammarFunc  grammar,
             void           *user,
             int             B,
             int             T,
             const int      *tokens,
             int             stride,
             const int      *lens,
             const float    *logp,
             unsigned char  *allowed,  /* (V) scratch */
             double         *out)
{
  const float *logits = atl_policy_get_logits (model);
  int V = atl_policy_get_config (model)->vocab;

  for (int b = 0; b < B; b++)
    {
      double sum = 0.0;

      for (int s = 0; s < lens[b] - 1; s++)
        {
          size_t i = (size_t) b * T + s;
          const float *z = logits + i * V;
          double mx = z[0], all = 0.0, ok = 0.0;

          sum += logp[i];
          if (grammar == NULL)
            continue;
          memset (allowed, 1, V);
          grammar (user, b, tokens + (size_t) b * stride, s + 1, allowed);
          for (int v = 1; v < V; v++)
            mx = z[v] > mx ? z[v] : mx;
          for (int v = 0; v < V; v++)
            {
              double e = exp (z[v] - mx);

              all += e;
              ok += allowed[v] ? e : 0.0;
            }
          sum -= log (fmax (ok / all, 1e-30));
        }
      out[b] = sum;
    }
}

AtlStatus
atl_tuner_kl (AtlPolicy      *policy,
              AtlPolicy      *base,
              AtlGrammarFunc  grammar,
              void           *grammar_user,
              int             B,
              const int      *tokens,
              int             stride,
              const int      *lens,
              float          *out_kl,
              AtlMsg         *msg)
{
  int T = 1, V = atl_policy_get_config (policy)->vocab;
  int *inp, *tgt;
  float *lp;
  double *sp, *sb;
  unsigned char *allowed;
  AtlStatus status;

  for (int b = 0; b < B; b++)
    {
      if (lens[b] < 2 || lens[b] - 1 > atl_policy_get_config (policy)->ctx)
        return atl_fail (msg, ATL_ERR_RANGE, "sequence %d has length %d", b, lens[b]);
      T = lens[b] - 1 > T ? lens[b] - 1 : T;
    }
  inp = calloc ((size_t) B * T, sizeof (int));
  tgt = calloc ((size_t) B * T, sizeof (int));
  lp = calloc ((size_t) B * T, sizeof (float));
  sp = calloc (B, sizeof (double));
  sb = calloc (B, sizeof (double));
  allowed = calloc (V, 1);
  if (inp == NULL || tgt == NULL || lp == NULL || sp == NULL || sb == NULL || allowed == NULL)
    {
      status = atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate %d × %d positions", B, T);
      goto out;
    }
  for (int b = 0; b < B; b++)
    for (int s = 0; s < T; s++)
      {
        int live = s < lens[b] - 1;

        inp[(size_t) b * T + s] = live ? tokens[(size_t) b * stride + s] : 0;
        tgt[(size_t) b * T + s] = live ? tokens[(size_t) b * stride + s + 1] : -1;
      }
  status = atl_policy_forward_frozen (policy, inp, tgt, NULL, B, T, NULL, lp, msg);
  if (status != ATL_OK)
    goto out;
  masked_sums (policy, grammar, grammar_user, B, T, tokens, stride, lens, lp, allowed, sp);
  status = atl_policy_forward_frozen (base, inp, tgt, NULL, B, T, NULL, lp, msg);
  if (status != ATL_OK)
    goto out;
  masked_sums (base, grammar, grammar_user, B, T, tokens, stride, lens, lp, allowed, sb);
  for (int b = 0; b < B; b++)
    out_kl[b] = (float) (sp[b] - sb[b]);
out:
  free (inp);
  free (tgt);
  free (lp);
  free (sp);
  free (sb);
  free (allowed);
  return status;
}

/* Fills rows 0 … B−1 of the tuner's token buffer from pairs [first, first + B/2): chosen
 * in even rows, rejected in odd ones. */
static AtlStatus
load_pairs (AtlTuner  *t,
            int        first,
            int        n,
            const int *chosen,
            const int *chosen_lens,
            const int *rejected,
            const int *rejected_lens,
            int        stride,
            int        prompt_len,
            AtlMsg    *msg)
{
  for (int i = 0; i < n; i++)
    {
      int lc = chosen_lens[first + i], lr = rejected_lens[first + i];

      if (lc < 2 || lr < 2 || lc > t->L || lr > t->L || lc > stride || lr > stride)
        return atl_fail (msg, ATL_ERR_RANGE, "pair %d has lengths %d and %d (2 … %d)",
                         first + i, lc, lr, t->L);
      memcpy (t->tokens + (size_t) (2 * i) * t->L,
              chosen + (size_t) (first + i) * stride, lc * sizeof (int));
      memcpy (t->tokens + (size_t) (2 * i + 1) * t->L,
              rejected + (size_t) (first + i) * stride, lr * sizeof (int));
      t->lens[2 * i] = lc;
      t->lens[2 * i + 1] = lr;
      t->plens[2 * i] = t->plens[2 * i + 1] = prompt_len > 1 ? prompt_len : 1;
    }
  return ATL_OK;
}

/* The longer row of the pair whose chosen row is row c. */
static int
pair_len (const AtlTuner *t,
          int             c)
{
  return t->lens[c] > t->lens[c + 1] ? t->lens[c] : t->lens[c + 1];
}

/* Orders the batch's pairs by their longer row, each chosen row before its rejected one. */
static void
order_pairs (AtlTuner *t,
             int       m)
{
  for (int i = 0; i < m; i++)
    {
      int j = i, len = pair_len (t, 2 * i);

      /* Insertion sort: a DPO batch is a few dozen pairs. */
      for (; j > 0 && pair_len (t, t->order[2 * j - 2]) > len; j--)
        {
          t->order[2 * j] = t->order[2 * j - 2];
          t->order[2 * j + 1] = t->order[2 * j - 1];
        }
      t->order[2 * j] = 2 * i;
      t->order[2 * j + 1] = 2 * i + 1;
    }
}

/* What a DPO step's lanes share, and what each sums over its pairs. */
typedef struct
{
  AtlTuner *t;
  int       n;          /* pairs in the whole step, for the mean */
  float     beta_dpo;
  double    loss[ATL_TUNER_LANES], margin[ATL_TUNER_LANES], acc[ATL_TUNER_LANES];
} DpoJob;

/* One micro-batch of whole pairs (rows order[first …], chosen before rejected): the base's
 * and the policy's log-likelihoods of each row, then the backward of the pairs' loss. */
static void
dpo_lane (void *user,
          int   lane)
{
  DpoJob *job = user;
  AtlTuner *t = job->t;
  AtlTunerLane *ln = &t->lanes[lane];
  AtlTunerBatch *mb = &ln->micro;
  AtlPolicy *base = lane == 0 ? t->base : ln->base_rep;
  float ref[1024], pol[1024];

  ln->status = atl_policy_forward_frozen (base, mb->inp, mb->tgt, NULL, ln->n, mb->T, NULL,
                                          mb->logp, &ln->msg);
  if (ln->status != ATL_OK)
    return;
  _atl_tuner_row_sums (mb, ln->n, t->L, ref);
  ln->status = atl_policy_forward (ln->model, mb->inp, mb->tgt, NULL, ln->n, mb->T, NULL,
                                   mb->logp, &ln->msg);
  if (ln->status != ATL_OK)
    return;
  _atl_tuner_row_sums (mb, ln->n, t->L, pol);
  for (int i = 0; i < ln->n / 2; i++)
    {
      double d = (pol[2 * i] - ref[2 * i]) - (pol[2 * i + 1] - ref[2 * i + 1]);
      double z = job->beta_dpo * d;
      /* −log σ(z) = softplus(−z); its slope in z is −σ(−z). */
      double sg = 1.0 / (1.0 + exp (z));

      job->loss[lane] += (z > 0 ? log1p (exp (-z)) : -z + log1p (exp (z))) / job->n;
      job->margin[lane] += d / job->n;
      job->acc[lane] += (z > 0.0 ? 1.0 : 0.0) / job->n;
      /* J = Σ w Σ(−logp): dJ/dlogp_c = −w_c must be dL/dlogp_c = −β σ(−z) / n. */
      ln->w[2 * i] = (float) (job->beta_dpo * sg / job->n);
      ln->w[2 * i + 1] = (float) (-job->beta_dpo * sg / job->n);
    }
  ln->status = atl_policy_backward (ln->model, ln->w, &ln->msg);
}

AtlStatus
atl_tuner_dpo_step (AtlTuner          *t,
                    int                n,
                    const int         *chosen,
                    const int         *chosen_lens,
                    const int         *rejected,
                    const int         *rejected_lens,
                    int                stride,
                    int                prompt_len,
                    float              beta_dpo,
                    AtlTunerDpoReport *report,
                    AtlMsg            *msg)
{
  AtlAdamWConfig adamw = {
    .lr = t->config.lr, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f,
    .weight_decay = 0.0f, .clip_norm = t->config.clip_norm,
  };
  /* Pairs are independent (a pair's weights need only its own log-probs): as many as the
   * buffers hold are planned on the lanes at once, as RLOO's rows are. */
  int chunk = t->cap / 2 < 512 ? t->cap / 2 : 512;
  DpoJob job = { .t = t, .n = n, .beta_dpo = beta_dpo };
  AtlStatus status = ATL_OK;

  memset (report, 0, sizeof *report);
  if (n < 1)
    return atl_fail (msg, ATL_ERR_INVALID, "DPO needs at least one pair");
  if (!(beta_dpo > 0.0f))
    return atl_fail (msg, ATL_ERR_INVALID, "DPO's β must be positive");

  /* The replicas get the base's weights, then the policy's, whose gradients are zeroed. */
  _atl_tuner_lanes_use (t, t->base, 0);
  _atl_tuner_lanes_use (t, t->policy, 1);
  /* first indexes pairs in chunks the buffers hold; gradients accumulate across. */
  for (int first = 0; first < n && status == ATL_OK; first += chunk)
    {
      int m = n - first < chunk ? n - first : chunk;

      status = load_pairs (t, first, m, chosen, chosen_lens, rejected, rejected_lens, stride,
                           prompt_len, msg);
      if (status == ATL_OK)
        status = _atl_tuner_batch_fill (t, 2 * m, t->tokens, t->L, t->lens, t->plens, msg);
      if (status != ATL_OK)
        break;
      order_pairs (t, m);
      _atl_tuner_lanes_plan (t, 2 * m, 2);
      status = _atl_tuner_lanes_run (t, dpo_lane, &job, msg);
    }
  if (status == ATL_OK)
    {
      _atl_tuner_lanes_reduce (t);
      status = atl_adamw_step (t->opt, &adamw, atl_policy_get_params (t->policy),
                               atl_policy_get_grads (t->policy), &report->grad_norm, msg);
    }
  if (status != ATL_OK)
    return status;
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    {
      report->loss += (float) job.loss[i];
      report->margin += (float) job.margin[i];
      report->accuracy += (float) job.acc[i];
    }
  return ATL_OK;
}

AtlStatus
atl_tuner_best_of_n (AtlTuner           *t,
                     int                 n,
                     int                 count,
                     AtlTunerRewardFunc  reward,
                     void               *reward_user,
                     AtlRng             *rng,
                     int                *out_tokens,
                     int                *out_lens,
                     AtlMsg             *msg)
{
  int per = t->cap / n;

  if (n < 1 || n > t->cap)
    return atl_fail (msg, ATL_ERR_RANGE, "best-of-n needs 1 ≤ n ≤ %d, not %d", t->cap, n);
  /* first indexes outputs; each chunk draws per outputs' n candidates in one batch. */
  for (int first = 0; first < count; first += per)
    {
      int m = count - first < per ? count - first : per, B = m * n;
      uint64_t seeds[4096];
      AtlStatus status;

      for (int b = 0; b < B; b++)
        seeds[b] = atl_rng_next (rng);
      status = _atl_tuner_sample (t, t->sampler, B, first, n, seeds, msg);
      if (status == ATL_OK)
        status = _atl_tuner_score (t, B, reward, reward_user, msg);
      if (status != ATL_OK)
        return status;
      for (int i = 0; i < m; i++)
        {
          int best = i * n;

          for (int j = i * n + 1; j < (i + 1) * n; j++)
            if (t->reward[j] > t->reward[best])
              best = j;
          memcpy (out_tokens + (size_t) (first + i) * t->L, t->tokens + (size_t) best * t->L,
                  t->lens[best] * sizeof (int));
          out_lens[first + i] = t->lens[best];
        }
    }
  return ATL_OK;
}
