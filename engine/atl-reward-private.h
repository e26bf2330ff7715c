/* atl-reward-private.h: the reward model's heads, shared by atl-reward.c and the tests.
 *
 * A head's parameters θ are one contiguous float vector:
 *   linear: w (D)
 *   MLP:    fc.w (HID, D), fc.b (HID), out.w (HID)
 * An AtlRewardProblem is one head's fitting problem on standardised works: the objective
 * J(θ) of atl-reward.h, evaluated at the work level (score each work once, scatter each
 * pair's derivative onto its two works, back-propagate once per work).
 *
 * Dimension legend: N works, D input columns, HID hidden units, P pairs.
 */
#pragma once

#include "atl-reward.h"

typedef struct
{
  AtlRewardHeadKind   head;
  AtlRewardActivation act;
  int                 dim;      /* D */
  int                 hidden;   /* HID (MLP) */
  float               l2;
  int                 n_works;  /* N */
  const float        *x;        /* (N, D) standardised */
  int                 n_pairs;  /* P, pairs with a non-zero coefficient */
  const int          *win;      /* (P) */
  const int          *lose;     /* (P) */
  const float        *coef;     /* (P) count·ω / Σ count·ω, sums to 1 */
  float              *r;        /* (N) scratch: scores */
  float              *gr;       /* (N) scratch: dJ/dr */
  float              *z;        /* (N, HID) scratch, MLP */
  float              *a;        /* (N, HID) scratch, MLP */
} AtlRewardProblem;

size_t _atl_reward_head_size      (AtlRewardHeadKind      head,
                                   int                    dim,
                                   int                    hidden);
/* Linear heads start at 0 (the problem is convex); MLP heads from rng, fan-in scaled. */
void   _atl_reward_head_init      (AtlRewardHeadKind      head,
                                   int                    dim,
                                   int                    hidden,
                                   float                 *theta,
                                   AtlRng                *rng);
/* J(θ), and ∇J into grad when grad is not NULL. An AtlLbfgsFunc over an AtlRewardProblem. */
double _atl_reward_head_objective (void                  *problem,
                                   const float           *theta,
                                   float                 *grad);
/* r (M) for standardised rows x (M, D); z and a are (M, HID) scratch for MLP heads. */
void   _atl_reward_head_score     (AtlRewardHeadKind      head,
                                   AtlRewardActivation    act,
                                   int                    dim,
                                   int                    hidden,
                                   const float           *theta,
                                   const float           *x,
                                   int                    n,
                                   float                 *r,
                                   float                 *z,
                                   float                 *a);
/* out (D) += mean over the rows of ∂r/∂x; z and a as for score. */
void   _atl_reward_head_input_grad (AtlRewardHeadKind     head,
                                    AtlRewardActivation   act,
                                    int                   dim,
                                    int                   hidden,
                                    const float          *theta,
                                    const float          *x,
                                    int                   n,
                                    float                *out,
                                    float                *z,
                                    float                *a);
