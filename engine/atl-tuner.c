/* atl-tuner.c: RLOO steps with an adaptive KL leash, and the shared
 * batch plumbing (teacher-forced forwards over sampled rows).
 *
 * Dimension legend: P prompt groups, k samples per group, B = P·k rows, T positions of a
 * batch, L max_len, C d_model, V vocab, F features, NP probe rows.
 */
#include "atl-tuner-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atl-parallel.h"

#define DPO_ROWS 32   /* rows the buffers hold at least: a DPO step of 16 pairs at once */

void
atl_tuner_config_init (AtlTunerConfig *config,
                       int             max_len)
{
  *config = (AtlTunerConfig) {
    .n_prompts = 4,
    .k = 4,
    .max_len = max_len,
    .temperature = 1.0f,
    .lr = 1e-4f,
    .clip_norm = 1.0f,
    .beta = 0.2f,
    .beta_min = 0.02f,
    .beta_max = 2.0f,
    .kl_target = 4.0f,
    .kl_rate = 0.1f,
    .kl_budget = 8.0f,
    .prior_weight = 0.0f,
    .kl_in_loss = 0,
    .kl_exact = 0,
    .probe_every = 10,
    .n_probe = 48,
    .diversity_floor = 0.85f,
    .micro_tokens = ATL_TUNER_MICRO_TOKENS,
  };
}

void
atl_tuner_rloo_advantages (const float *rewards,
                           int          P,
                           int          k,
                           float       *out_adv)
{
  /* g indexes prompt groups; R_i − mean of the others = k/(k−1)·(R_i − group mean). */
  for (int g = 0; g < P; g++)
    {
      const float *r = rewards + (size_t) g * k;
      double sum = 0.0;

      for (int i = 0; i < k; i++)
        sum += r[i];
      for (int i = 0; i < k; i++)
        out_adv[(size_t) g * k + i] = (float) (r[i] - (sum - r[i]) / (k - 1));
    }
}

float
atl_tuner_adapt_beta (const AtlTunerConfig *config,
                      float                 beta,
                      float                 kl)
{
  /* Proportional control on the relative error, clipped so one noisy step moves β by at
   * most kl_rate·20 %. */
  float e = config->kl_target > 0.0f ? kl / config->kl_target - 1.0f : 0.0f;

  e = fminf (fmaxf (e, -0.2f), 0.2f);
  beta *= 1.0f + config->kl_rate * e * 5.0f;
  return fminf (fmaxf (beta, config->beta_min), config->beta_max);
}

static void *
alloc0 (size_t n, size_t size, int *failed)
{
  void *p = calloc (n ? n : 1, size);

  if (p == NULL)
    *failed = 1;
  return p;
}

AtlStatus
atl_tuner_new (const AtlTunerConfig *config,
               AtlPolicy            *policy,
               AtlPolicy            *base,
               AtlTuner            **out_tuner,
               AtlMsg               *msg)
{
  const AtlPolicyConfig *pc = atl_policy_get_config (policy);
  const AtlPolicyConfig *bc = atl_policy_get_config (base);
  AtlTuner *t;
  AtlStatus status;
  size_t n_params = atl_policy_get_n_params (policy);
  int failed = 0, cap;

  *out_tuner = NULL;
  if (memcmp (pc, bc, sizeof *pc) != 0)
    return atl_fail (msg, ATL_ERR_INVALID, "the policy and its base differ in shape");
  if (config->n_prompts < 1 || config->k < 2 || config->n_prompts * config->k > 1024)
    return atl_fail (msg, ATL_ERR_RANGE, "RLOO needs ≥ 1 prompt and k ≥ 2 (got %d × %d)",
                     config->n_prompts, config->k);
  if (config->max_len < 2 || config->max_len > pc->ctx + 1)
    return atl_fail (msg, ATL_ERR_RANGE, "max_len %d is outside 2 … %d", config->max_len,
                     pc->ctx + 1);
  if (config->n_probe < 2 || config->n_probe > 1024)
    return atl_fail (msg, ATL_ERR_RANGE, "the probe needs 2 … 1024 rows, not %d",
                     config->n_probe);
  if (!(config->lr > 0.0f) || !(config->beta >= 0.0f) || !(config->kl_budget > 0.0f))
    return atl_fail (msg, ATL_ERR_INVALID, "lr and the KL budget must be positive, β ≥ 0");

  t = calloc (1, sizeof *t);
  if (t == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the tuner");
  t->config = *config;
  t->policy = policy;
  t->base = base;
  t->beta = config->beta;
  t->C = pc->d_model;
  t->L = config->max_len;
  t->diversity = 1.0f;
  cap = config->n_prompts * config->k;
  if (cap < config->n_probe)
    cap = config->n_probe;
  if (cap < DPO_ROWS)
    cap = DPO_ROWS;
  t->cap = cap;

  t->tokens = alloc0 ((size_t) cap * t->L, sizeof (int), &failed);
  t->lens = alloc0 (cap, sizeof (int), &failed);
  t->plens = alloc0 (cap, sizeof (int), &failed);
  t->slogp = alloc0 ((size_t) cap * t->L, sizeof (float), &failed);
  t->rngs = alloc0 (cap, sizeof (AtlRng), &failed);
  t->embed = alloc0 ((size_t) cap * t->C, sizeof (float), &failed);
  t->reward = alloc0 (cap, sizeof (float), &failed);
  t->aux = alloc0 (cap, sizeof (float), &failed);
  t->base_logp = alloc0 ((size_t) cap * t->L, sizeof (float), &failed);
  t->allowed = alloc0 ((size_t) cap * t->L * pc->vocab, 1, &failed);
  t->batch.cap = cap;
  t->batch.inp = alloc0 ((size_t) cap * t->L, sizeof (int), &failed);
  t->batch.tgt = alloc0 ((size_t) cap * t->L, sizeof (int), &failed);
  t->batch.mask = alloc0 ((size_t) cap * t->L, sizeof (float), &failed);
  t->batch.emask = alloc0 ((size_t) cap * t->L, sizeof (float), &failed);
  t->batch.logp = alloc0 ((size_t) cap * t->L, sizeof (float), &failed);
  t->order = alloc0 (cap, sizeof (int), &failed);
  t->good = alloc0 (n_params, sizeof (float), &failed);
  if (failed)
    {
      atl_tuner_free (t);
      return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the tuner's buffers");
    }
  memcpy (t->good, atl_policy_get_params (policy), n_params * sizeof (float));

  /* The sampler's key/value caches are sized for its batch: an RLOO batch, not the
   * probe's or best-of-n's rows, which take its slots in turn. */
  t->sample_cap = config->n_prompts * config->k;
  status = atl_sampler_new (policy, t->sample_cap, &t->sampler, msg);
  if (status == ATL_OK)
    status = _atl_tuner_lanes_new (t, msg);
  if (status == ATL_OK)
    status = _atl_tuner_kl_new (t, msg);
  if (status == ATL_OK)
    status = atl_adamw_new (n_params, &t->opt, msg);
  if (status == ATL_OK)
    status = atl_tuner_set_prompts (t, 0, NULL, 0, NULL, msg);
  if (status != ATL_OK)
    {
      atl_tuner_free (t);
      return status;
    }
  /* Fine-tuning decays nothing: decay toward zero is drift away from the base. */
  atl_adamw_set_decay (t->opt, 0, n_params, 0);
  *out_tuner = t;
  return ATL_OK;
}

void
atl_tuner_free (AtlTuner *t)
{
  if (t == NULL)
    return;
  atl_sampler_free (t->sampler);
  atl_adamw_free (t->opt);
  _atl_tuner_kl_free (t);
  _atl_tuner_lanes_free (t);
  free (t->tokens);
  free (t->lens);
  free (t->plens);
  free (t->slogp);
  free (t->rngs);
  free (t->embed);
  free (t->reward);
  free (t->aux);
  free (t->base_logp);
  free (t->allowed);
  free (t->batch.inp);
  free (t->batch.tgt);
  free (t->batch.mask);
  free (t->batch.emask);
  free (t->batch.logp);
  free (t->order);
  free (t->prompts);
  free (t->prompt_lens);
  free (t->probe_feat);
  free (t->probe_std);
  free (t->good);
  free (t);
}

AtlTunerConfig *
atl_tuner_get_config (AtlTuner *tuner)
{
  return &tuner->config;
}

float
atl_tuner_get_beta (const AtlTuner *tuner)
{
  return tuner->beta;
}

void
atl_tuner_set_beta (AtlTuner *tuner,
                    float     beta)
{
  tuner->beta = fminf (fmaxf (beta, tuner->config.beta_min), tuner->config.beta_max);
}

AtlStatus
atl_tuner_set_prompts (AtlTuner  *t,
                       int        n,
                       const int *tokens,
                       int        stride,
                       const int *lens,
                       AtlMsg    *msg)
{
  int *p, *pl;
  int count = n > 0 ? n : 1;

  for (int i = 0; i < n; i++)
    if (lens[i] < 1 || lens[i] >= t->L || tokens[(size_t) i * stride] != 1)
      return atl_fail (msg, ATL_ERR_INVALID,
                       "prompt %d must start with BOS and be shorter than %d tokens", i, t->L);
  p = calloc ((size_t) count * t->L, sizeof (int));
  pl = calloc (count, sizeof (int));
  if (p == NULL || pl == NULL)
    {
      free (p);
      free (pl);
      return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate prompts");
    }
  if (n == 0)
    {
      p[0] = 1;  /* BOS */
      pl[0] = 1;
    }
  for (int i = 0; i < n; i++)
    {
      memcpy (p + (size_t) i * t->L, tokens + (size_t) i * stride, lens[i] * sizeof (int));
      pl[i] = lens[i];
    }
  free (t->prompts);
  free (t->prompt_lens);
  t->prompts = p;
  t->prompt_lens = pl;
  t->n_prompts = count;
  return ATL_OK;
}

AtlStatus
_atl_tuner_batch_fill (AtlTuner  *t,
                       int        B,
                       const int *tokens,
                       int        stride,
                       const int *lens,
                       const int *from_pos,
                       AtlMsg    *msg)
{
  AtlTunerBatch *bt = &t->batch;
  int T = 1;

  if (B < 1 || B > bt->cap)
    return atl_fail (msg, ATL_ERR_RANGE, "batch of %d rows exceeds %d", B, bt->cap);
  for (int b = 0; b < B; b++)
    {
      if (lens[b] < 2 || lens[b] > t->L)
        return atl_fail (msg, ATL_ERR_RANGE, "row %d has length %d (2 … %d)", b, lens[b],
                         t->L);
      if (lens[b] - 1 > T)
        T = lens[b] - 1;
    }
  bt->T = T;
  /* b indexes rows, s positions of the row's inputs; target s is token s + 1. */
  for (int b = 0; b < B; b++)
    {
      const int *row = tokens + (size_t) b * stride;
      int from = from_pos != NULL ? from_pos[b] : 1;

      for (int s = 0; s < T; s++)
        {
          size_t i = (size_t) b * T + s;
          int live = s < lens[b] - 1;

          bt->inp[i] = live ? row[s] : 0;
          bt->tgt[i] = live ? row[s + 1] : -1;
          bt->mask[i] = live && s + 1 >= from ? 1.0f : 0.0f;
          bt->emask[i] = live ? 1.0f : 0.0f;
        }
    }
  return ATL_OK;
}

void
_atl_tuner_row_sums (const AtlTunerBatch *bt,
                     int                  B,
                     int                  L,
                     float               *out)
{
  (void) L;
  for (int b = 0; b < B; b++)
    {
      double sum = 0.0;

      for (int s = 0; s < bt->T; s++)
        sum += bt->mask[(size_t) b * bt->T + s] * bt->logp[(size_t) b * bt->T + s];
      out[b] = (float) sum;
    }
}

AtlStatus
_atl_tuner_sample (AtlTuner       *t,
                   AtlSampler     *sampler,
                   int             B,
                   int             first_prompt,
                   int             per_prompt,
                   const uint64_t *seeds,
                   AtlMsg         *msg)
{
  AtlSampleOptions options = {
    .temperature = t->config.temperature,
    .top_p = 1.0f,
    .end_token = 2,  /* EOS */
    .max_len = t->L,
    .grammar = t->config.grammar,
    .grammar_user = t->config.grammar_user,
  };

  for (int b = 0; b < B; b++)
    {
      int p = (first_prompt + b / per_prompt) % t->n_prompts;

      memcpy (t->tokens + (size_t) b * t->L, t->prompts + (size_t) p * t->L,
              t->prompt_lens[p] * sizeof (int));
      t->plens[b] = t->prompt_lens[p];
      atl_rng_seed (&t->rngs[b], seeds[b]);
    }
  /* One run of all B rows, sample_cap at a time (the sampler's slots). Each row draws
   * from its own RNG, so how the rows share the slots changes nothing in them. */
  options.row_rngs = t->rngs;
  return atl_sampler_run (sampler, &t->rngs[0], &options, B, t->plens, t->tokens, t->lens,
                          t->slogp, msg);
}

void
_atl_tuner_batch_allowed (AtlTuner *t,
                          int       B)
{
  int V = atl_policy_get_config (t->policy)->vocab, T = t->batch.T;

  if (t->config.grammar == NULL)
    return;
  /* Position s predicts token s + 1 from tokens 0 … s. */
  for (int b = 0; b < B; b++)
    for (int s = 0; s < t->lens[b] - 1; s++)
      {
        unsigned char *a = t->allowed + ((size_t) b * T + s) * V;

        memset (a, 1, V);
        t->config.grammar (t->config.grammar_user, b, t->tokens + (size_t) b * t->L, s + 1, a);
      }
}

AtlStatus
_atl_tuner_score (AtlTuner           *t,
                  int                 B,
                  AtlTunerRewardFunc  reward,
                  void               *reward_user,
                  AtlMsg             *msg)
{
  AtlStatus status;

  status = _atl_tuner_batch_fill (t, B, t->tokens, t->L, t->lens, t->plens, msg);
  if (status == ATL_OK)
    {
      _atl_tuner_batch_allowed (t, B);
      status = _atl_tuner_frozen (t, t->base, B, t->base_logp, t->embed, NULL, msg);
    }
  if (status == ATL_OK)
    status = reward (reward_user, B, t->tokens, t->L, t->lens, t->embed, t->reward, msg);
  if (status != ATL_OK)
    return status;
  for (int b = 0; b < B; b++)
    if (!isfinite (t->reward[b]))
      return atl_fail (msg, ATL_ERR_NUMERIC, "the reward of sample %d is not finite", b);
  return ATL_OK;
}

/* Per-token entropy of the lane's last forward, summed over its micro-batch's loss mask
 * into the lane's sums. */
static void
entropy_sums (AtlTunerLane *ln)
{
  const AtlTunerBatch *mb = &ln->micro;
  const float *logits = atl_policy_get_logits (ln->model);
  int V = atl_policy_get_config (ln->model)->vocab;

  for (size_t j = 0; j < (size_t) ln->n * mb->T; j++)
    {
      const float *z = logits + j * V;
      double mx = z[0], se = 0.0, sz = 0.0;

      if (mb->mask[j] == 0.0f)
        continue;
      for (int v = 1; v < V; v++)
        mx = z[v] > mx ? z[v] : mx;
      for (int v = 0; v < V; v++)
        {
          double e = exp (z[v] - mx);

          se += e;
          sz += e * (z[v] - mx);
        }
      /* H = log Σe − Σ p·(z − max). */
      ln->ent_sum += log (se) - sz / se;
      ln->ent_count += 1.0;
    }
}

/* What a pass's lanes share: the batch-wide advantages (KL in the loss) or per-row
 * backward weights w (B), and the per-row KL they fill. */
typedef struct
{
  AtlTuner    *t;
  int          B;
  const float *adv;
  const float *w;
  double      *kl;
} PassJob;

/* The lane's forward: log-probs renormalized under the grammar, entropy, per-row KL. */
static void
pass_forward (void *user,
              int   lane)
{
  PassJob *job = user;
  AtlTuner *t = job->t;
  AtlTunerLane *ln = &t->lanes[lane];
  AtlTunerBatch *mb = &ln->micro;
  const int *rows = t->order + ln->first;
  int Tm = mb->T, T = t->batch.T;

  ln->status = ATL_OK;
  if (ln->n == 0)
    return;
  ln->status = atl_policy_forward (ln->model, mb->inp, mb->tgt, NULL, ln->n, Tm, NULL,
                                   mb->logp, &ln->msg);
  if (ln->status != ATL_OK)
    return;
  /* KL between the distributions the sampler actually draws from (grammar-masked); the
   * raw log-ratio can be gamed by moving mass onto tokens the mask never lets through. */
  memcpy (ln->slogp, mb->logp, (size_t) ln->n * Tm * sizeof (float));
  _atl_tuner_lane_renormalize (t, ln, ln->slogp);
  entropy_sums (ln);
  for (int r = 0; r < ln->n; r++)
    {
      const float *base = t->base_logp + (size_t) rows[r] * T;
      double d = 0.0;

      if (t->config.kl_exact)
        {
          /* With KL in the loss, its gradient (β/B)·∂KL/∂logits goes to the lane's dz. */
          job->kl[rows[r]] = _atl_tuner_kl_row (t, ln, r, t->beta / (float) job->B);
          continue;
        }
      for (int s = 0; s < Tm; s++)
        d += mb->mask[(size_t) r * Tm + s] * (ln->slogp[(size_t) r * Tm + s] - base[s]);
      job->kl[rows[r]] = d;
    }
}

/* The lane's backward, into its model's gradients. */
static void
pass_backward (void *user,
               int   lane)
{
  PassJob *job = user;
  AtlTuner *t = job->t;
  AtlTunerLane *ln = &t->lanes[lane];
  AtlTunerBatch *mb = &ln->micro;
  const int *rows = t->order + ln->first;
  int Tm = mb->T, T = t->batch.T;

  ln->status = ATL_OK;
  if (ln->n == 0)
    return;
  if (t->config.kl_in_loss && t->config.kl_exact)
    {
      /* J = −(1/B) Σ_b A_b Σ_t m·log π  +  (β/B) Σ_bt m·KL_t: the second term's gradient
       * is already on the logits (dz, pass_forward). */
      for (int r = 0; r < ln->n; r++)
        for (int s = 0; s < Tm; s++)
          {
            size_t i = (size_t) r * Tm + s;

            ln->dlogp[i] = -mb->mask[i] * job->adv[rows[r]] / (float) job->B;
          }
      ln->status = atl_policy_backward_full (ln->model, ln->dlogp, ln->dz, &ln->msg);
    }
  else if (t->config.kl_in_loss)
    {
      /* J = −(1/B) Σ_b A_b Σ_t m·log π  +  (β/B) Σ_bt m·k3, k3 = r − 1 − log r with
       * r = π̃_base/π̃: dJ/dlog π = m·(−A_b + β·(1 − r)) / B. */
      for (int r = 0; r < ln->n; r++)
        for (int s = 0; s < Tm; s++)
          {
            size_t i = (size_t) r * Tm + s;
            float ratio = expf (fminf (t->base_logp[(size_t) rows[r] * T + s]
                                       - ln->slogp[i], 10.0f));

            ln->dlogp[i] = mb->mask[i] * (-job->adv[rows[r]] + t->beta * (1.0f - ratio))
                           / (float) job->B;
          }
      ln->status = atl_policy_backward_logp (ln->model, ln->dlogp, &ln->msg);
    }
  else
    {
      for (int r = 0; r < ln->n; r++)
        ln->w[r] = job->w[rows[r]];
      ln->status = atl_policy_backward (ln->model, ln->w, &ln->msg);
    }
}

/* Both at once, when the advantages are known before the forward (KL in the loss): a
 * lane goes on to its backward without waiting for the other's forward. */
static void
pass_both (void *user,
           int   lane)
{
  pass_forward (user, lane);
  if (((PassJob *) user)->t->lanes[lane].status == ATL_OK)
    pass_backward (user, lane);
}

/* The policy's forward and backward over the B sampled rows, in micro-batches on the
 * lanes (atl-tuner-lanes.c): a forward keeps only its own rows' activations, its backward
 * adds to the gradients (zeroed here), so the sum is the whole batch's gradient up to
 * float rounding. With KL in the loss the micro-batches, of rows of like length, are
 * planned for the whole batch and each lane runs its share straight through; with KL in
 * the reward, whose advantages need a prompt group's KL, each micro-batch of whole groups
 * is split between the lanes and its forward finishes before its backward starts. Fills
 * kl (B), the advantages adv (B) — computed upfront when KL is in the loss, per group
 * otherwise — and the mask's entropy sums. */
static AtlStatus
policy_pass (AtlTuner    *t,
             int          B,
             const float *ll,
             double      *kl,
             float       *adv,
             double      *ent_sum,
             double      *ent_count,
             AtlMsg      *msg)
{
  const AtlTunerConfig *c = &t->config;
  int k = c->k;
  float Rw[1024], w[1024];
  PassJob job = { .t = t, .B = B, .adv = adv, .w = w, .kl = kl };
  AtlStatus status = ATL_OK;

  *ent_sum = *ent_count = 0.0;
  if (c->kl_in_loss)
    {
      for (int b = 0; b < B; b++)
        Rw[b] = t->reward[b] + c->prior_weight * ll[b];
      /* One prompt (the studio's: BOS alone): the batch is one group, and each sample's
       * baseline is the mean of the other B − 1, not of k − 1. */
      if (t->n_prompts == 1)
        atl_tuner_rloo_advantages (Rw, 1, B, adv);
      else
        atl_tuner_rloo_advantages (Rw, B / k, k, adv);
    }
  _atl_tuner_lanes_use (t, t->policy, 1);
  _atl_tuner_order_rows (t, B);
  if (c->kl_in_loss)
    {
      _atl_tuner_lanes_plan (t, B, 1);
      status = _atl_tuner_lanes_run (t, pass_both, &job, msg);
    }
  /* KL in the reward: first indexes order; the micro-batch is rows order[first …
   * first + n − 1]. */
  for (int first = 0, n; !c->kl_in_loss && first < B && status == ATL_OK; first += n)
    {
      n = _atl_tuner_micro_cut (t, first, B);
      _atl_tuner_lanes_split (t, first, n);
      atl_parallel_run (ATL_TUNER_LANES, pass_forward, &job);
      status = _atl_tuner_lanes_status (t, msg);
      if (status != ATL_OK)
        break;
      /* Whole groups, in batch order (micro_cut, order_rows): rows order[first …] are
       * first, first + 1, … and their KL is known now. */
      for (int b = first; b < first + n; b++)
        Rw[b] = t->reward[b] + c->prior_weight * ll[b] - t->beta * (float) kl[b];
      atl_tuner_rloo_advantages (Rw + first, n / k, k, adv + first);
      for (int b = first; b < first + n; b++)
        w[b] = adv[b] / (float) B;
      atl_parallel_run (ATL_TUNER_LANES, pass_backward, &job);
      status = _atl_tuner_lanes_status (t, msg);
    }
  if (status == ATL_OK)
    _atl_tuner_lanes_reduce (t);
  for (int i = 0; i < ATL_TUNER_LANES; i++)
    {
      *ent_sum += t->lanes[i].ent_sum;
      *ent_count += t->lanes[i].ent_count;
    }
  return status;
}

AtlStatus
atl_tuner_rloo_step (AtlTuner           *t,
                     AtlTunerRewardFunc  reward,
                     void               *reward_user,
                     AtlRng             *rng,
                     AtlTunerStepReport *report,
                     AtlMsg             *msg)
{
  const AtlTunerConfig *c = &t->config;
  AtlTunerBatch *bt = &t->batch;
  AtlAdamWConfig adamw = {
    .lr = c->lr, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f, .weight_decay = 0.0f,
    .clip_norm = c->clip_norm,
  };
  size_t n_params = atl_policy_get_n_params (t->policy);
  float *params = atl_policy_get_params (t->policy);
  int P = c->n_prompts, k = c->k, B = P * c->k;
  uint64_t seeds[1024];
  float ll[1024] = { 0 }, adv[1024];
  double kl[1024], kl_mean = 0.0, r_mean = 0.0, ll_mean = 0.0, ent_sum, ent_count;
  AtlStatus status;
  int probed = 0;

  memset (report, 0, sizeof *report);
  if (c->kl_exact && (t->base_lsm == NULL || (c->kl_in_loss && t->lanes[0].dz == NULL)))
    return atl_fail (msg, ATL_ERR_INVALID, "kl_exact and kl_in_loss are set at atl_tuner_new");

  /* The guard on diversity runs before the step, on the weights about to be used; not on
   * the run's first step, whose weights the previous run's atl_tuner_finish checked. */
  if (t->features != NULL && c->probe_every > 0 && t->steps > 0
      && t->steps % c->probe_every == 0)
    {
      float div;

      status = atl_tuner_probe (t, &div, msg);
      if (status != ATL_OK)
        return status;
      probed = 1;
      if (div < c->diversity_floor)
        {
          /* Nothing is drawn: the report is of the weights handed back (it read
           * "reward 0, KL 0" to the artist). */
          memcpy (params, t->good, n_params * sizeof (float));
          report->step = t->steps;
          report->beta = t->beta;
          report->diversity = div;
          report->kl = t->good_kl;
          report->reward_mean = t->good_reward;
          report->stop = 2;
          return ATL_OK;
        }
    }

  for (int b = 0; b < B; b++)
    seeds[b] = atl_rng_next (rng);
  status = _atl_tuner_sample (t, t->sampler, B, 0, k, seeds, msg);
  if (status == ATL_OK)
    status = _atl_tuner_score (t, B, reward, reward_user, msg);
  if (status != ATL_OK)
    return status;

  /* b indexes samples: the base's log-likelihood per token over the loss mask. */
  for (int b = 0; b < B; b++)
    {
      double lb = 0.0, n = 0.0;

      for (int s = 0; s < bt->T; s++)
        {
          size_t i = (size_t) b * bt->T + s;

          lb += bt->mask[i] * t->base_logp[i];
          n += bt->mask[i];
        }
      ll[b] = n > 0.0 ? (float) (lb / n) : 0.0f;
      r_mean += t->reward[b] / (double) B;
      ll_mean += ll[b] / (double) B;
    }
  /* The gradient is computed before the KL budget is checked, which it may turn out not
   * to be needed for: a step past the budget is rare, and this way each micro-batch's
   * activations serve its backward right away. */
  status = policy_pass (t, B, ll, kl, adv, &ent_sum, &ent_count, msg);
  if (status != ATL_OK)
    return status;
  for (int b = 0; b < B; b++)
    kl_mean += kl[b] / B;

  report->step = t->steps + 1;
  report->reward_mean = (float) r_mean;
  report->kl = (float) kl_mean;
  report->base_ll = (float) ll_mean;
  report->entropy = ent_count > 0.0 ? (float) (ent_sum / ent_count) : 0.0f;
  report->diversity = t->diversity;

  /* The KL budget: the weights that drew these samples are already past it, so none of
   * this step is applied and the last weights that passed come back. */
  if (kl_mean > c->kl_budget && t->steps > 0)
    {
      memcpy (params, t->good, n_params * sizeof (float));
      report->kl = t->good_kl;
      report->reward_mean = t->good_reward;
      report->beta = t->beta;
      report->stop = 1;
      return ATL_OK;
    }
  /* A run that starts past the budget (an earlier round's estimate was lucky) has no
   * better weights to return to: it steps with β doubled so the update pulls back — a
   * gradient the pass above computed with the old β, so it runs again. */
  if (kl_mean > c->kl_budget)
    {
      /* The weights are still the run's first (t->good): a later stop returns to them and
       * must report their KL, not the 0 of a run that never measured one. */
      t->good_kl = (float) kl_mean;
      t->good_reward = (float) r_mean;
      t->beta = fminf (2.0f * t->beta, c->beta_max);
      status = policy_pass (t, B, ll, kl, adv, &ent_sum, &ent_count, msg);
    }
  else if (probed || t->steps == 0 || c->probe_every <= 0 || t->features == NULL)
    {
      memcpy (t->good, params, n_params * sizeof (float));
      t->good_kl = (float) kl_mean;
      t->good_reward = (float) r_mean;
    }
  if (status == ATL_OK)
    status = atl_adamw_step (t->opt, &adamw, params, atl_policy_get_grads (t->policy),
                             &report->grad_norm, msg);
  if (status != ATL_OK)
    return status;

  t->steps++;
  t->beta = atl_tuner_adapt_beta (c, t->beta, (float) kl_mean);
  report->beta = t->beta;
  return ATL_OK;
}
