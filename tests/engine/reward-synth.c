/* reward-synth.c: simulated tastes (see reward-synth.h). */
#include "reward-synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
synth_init (Synth       *s,
            int          n_works,
            int          dim,
            SynthTaste   taste,
            const float *beta_in,
            AtlRng      *rng)
{
  static const float planted[] = { 2.0f, -1.5f, 1.0f, -0.75f };

  s->n_works = n_works;
  s->dim = dim;
  s->works = malloc ((size_t) n_works * dim * sizeof (float));
  s->z = malloc ((size_t) n_works * dim * sizeof (float));
  s->utility = malloc ((size_t) n_works * sizeof (float));
  s->beta = calloc ((size_t) dim, sizeof (float));
  if (beta_in)
    memcpy (s->beta, beta_in, (size_t) dim * sizeof (float));
  else
    for (int c = 0; c < dim && c < 4; c++)
      s->beta[c] = planted[c];

  for (int i = 0; i < n_works; i++)
    {
      double u = 0.0;

      for (int c = 0; c < dim; c++)
        {
          float z = atl_rng_normal (rng);
          float offset = (float) (c % 7) - 3.0f, scale = 0.01f + (float) (c % 5);

          s->z[(size_t) i * dim + c] = z;
          s->works[(size_t) i * dim + c] = offset + scale * z;
          u += s->beta[c] * z;
        }
      if (taste == SYNTH_NONLINEAR)
        {
          const float *z = s->z + (size_t) i * dim;

          u = -z[0] * z[0] + z[1] * z[2] + 0.5 * z[3];
        }
      s->utility[i] = (float) u;
    }
}

void
synth_clear (Synth *s)
{
  free (s->works);
  free (s->z);
  free (s->utility);
  free (s->beta);
}

void
synth_pairs (const Synth   *s,
             int            n_pairs,
             float          sharpness,
             AtlRng        *rng,
             AtlRewardPair *out,
             double        *out_bayes)
{
  int right = 0;

  for (int p = 0; p < n_pairs; p++)
    {
      int a = (int) atl_rng_below (rng, (uint32_t) s->n_works);
      int b = (int) atl_rng_below (rng, (uint32_t) s->n_works - 1);
      double du, pa;

      if (b >= a)
        b++;
      du = s->utility[a] - s->utility[b];
      pa = sharpness > 0.0f ? 1.0 / (1.0 + exp (-sharpness * du)) : (du > 0.0 ? 1.0 : 0.0);
      if (atl_rng_uniform (rng) < pa)
        out[p] = (AtlRewardPair) { a, b };
      else
        out[p] = (AtlRewardPair) { b, a };
      right += s->utility[out[p].winner] > s->utility[out[p].loser];
    }
  if (out_bayes)
    *out_bayes = (double) right / n_pairs;
}

double
synth_accuracy (const AtlReward     *model,
                const Synth         *s,
                const AtlRewardPair *pairs,
                int                  n_pairs)
{
  float *mean = malloc ((size_t) s->n_works * sizeof (float));
  double hit = 0.0;

  if (atl_reward_predict (model, s->works, s->n_works, mean, NULL, NULL, NULL) != ATL_OK)
    {
      free (mean);
      return -1.0;
    }
  for (int p = 0; p < n_pairs; p++)
    {
      float mw = mean[pairs[p].winner], ml = mean[pairs[p].loser];

      hit += mw > ml ? 1.0 : mw == ml ? 0.5 : 0.0;
    }
  free (mean);
  return hit / n_pairs;
}
