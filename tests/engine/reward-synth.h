/* reward-synth.h: simulated tastes for the reward model's tests and benchmark.
 *
 * Works are random rows of raw features with their own offsets and scales (so the model's
 * standardisation matters); a hidden utility over the standardised truth decides each
 * comparison with Bradley–Terry noise: P(a ≻ b) = σ(sharpness·(u(a) − u(b))).
 *
 * Dimension legend: N works, D columns, P pairs.
 */
#pragma once

#include "atl-reward.h"

typedef enum
{
  SYNTH_LINEAR,     /* u = β·z */
  SYNTH_NONLINEAR,  /* u = −z0² + z1·z2 + 0.5·z3 */
} SynthTaste;

typedef struct
{
  int          n_works;    /* N */
  int          dim;        /* D */
  float       *works;      /* (N, D) raw */
  float       *z;          /* (N, D) the standardised truth */
  float       *utility;    /* (N) */
  float       *beta;       /* (D) planted weights (linear taste) */
} Synth;

/* Raw column c = offset_c + scale_c·z, z ~ N(0, 1). beta has the planted weights
 * (n_planted leading entries non-zero if beta_in is NULL: +2, −1.5, +1, …). */
void synth_init  (Synth        *s,
                  int           n_works,
                  int           dim,
                  SynthTaste    taste,
                  const float  *beta_in,   /* (D) or NULL */
                  AtlRng       *rng);
void synth_clear (Synth        *s);
/* Draws P random comparisons of distinct works, answered with BT noise of the given
 * sharpness (≤ 0: noiseless, the higher utility always wins); out_bayes (may be NULL) gets
 * the fraction of them the true utility orders right. */
void synth_pairs (const Synth  *s,
                  int           n_pairs,
                  float         sharpness,
                  AtlRng       *rng,
                  AtlRewardPair *out,      /* (P) */
                  double       *out_bayes);
/* Fraction of pairs whose winner the model's mean reward puts higher (ties ½). */
double synth_accuracy (const AtlReward     *model,
                       const Synth         *s,
                       const AtlRewardPair *pairs,
                       int                  n_pairs);
