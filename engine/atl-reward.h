/* atl-reward.h: the reward model, a Bradley–Terry ensemble that learns an artist's taste.
 *
 * Every pick becomes comparisons (winner, loser) between works. The model gives each work
 * a scalar reward r and explains a comparison as
 *
 *   P(a ≻ b) = σ(r(a) − r(b)).
 *
 * Input. A work is a row x = features (F, the codec's hand features) ⊕ embedding (E, the
 * frozen base policy's pooled hidden state; E may be 0). The caller passes raw rows; the
 * fit standardises every column by the mean and standard deviation over the works that its
 * comparisons mention, with the std floored at std_floor so that a (nearly) constant
 * column cannot blow up; mean and std are stored in the model and reused by predict.
 * Hand features and embedding are both kept: in the PyTorch prototype which half carried
 * the taste depended on the taste (hand features 0.82 vs 0.77 with the embedding for a
 * contour taste; the embedding helped for register). But E (128) outnumbers F and the
 * picks of a few rounds, so an isotropic L2 lets the embedding's many weak directions
 * outvote the features; embed_scale < 1 shrinks the embedding columns after standardising,
 * which is an L2 of l2 / embed_scale² on their weights: the embedding still speaks, but
 * only where it carries much more than the features do.
 *
 * Heads. An ensemble of n_heads (default 5) heads, each either linear, r = w·x, or one
 * hidden layer, r = v·act(W x + b) with `hidden` units (default 32, tanh or GELU). No
 * output bias: it cancels in r(a) − r(b). Each head is fit from scratch, every round, on
 * its own bootstrap resample of the comparisons (pairs drawn with replacement, from the
 * caller's AtlRng), minimising the weighted mean negative log-likelihood plus L2 on the
 * weights (not on biases):
 *
 *   J(θ) = Σ_p c_p ω_p softplus(r(l_p) − r(w_p)) / Σ_p c_p ω_p  +  (l2 / 2)·‖W‖²
 *
 * (c_p the pair's bootstrap count, ω_p its optional weight; the gradient of the penalty is
 * l2·W, torch's weight_decay convention). The optimiser is full-batch L-BFGS (atl-lbfgs.h),
 * deterministic, run to a gradient-norm tolerance: the linear problem is strongly convex,
 * so every head reaches its unique optimum in a few dozen iterations. Work-level scoring
 * (score each distinct work once, scatter the pair gradients back onto works) makes an
 * iteration cost O(N·D + P) for N works, not O(P·D).
 *
 * Defaults and why: l2 = 0.1 was the best value in every ablation of the prototype; 5
 * heads give a usable spread for exploration and for the tuner's R = mean − λ·spread;
 * linear heads are the default because linear vs MLP-32 hardly mattered there, and the
 * linear head is convex, fast and directly interpretable. Caveat, measured here on
 * simulated tastes: under THIS penalty convention (mean NLL + l2/2·‖W‖²) 0.1 is already
 * strong — linear heads lose ~3 points of held-out accuracy against 0.01 on a 40-column
 * linear taste, and MLP heads, whose two penalised layers shrink their product twice,
 * collapse to linear-level accuracy on a nonlinear taste (0.60 vs 0.90 at l2 0.01). Use
 * l2 ≈ 0.01 with MLP heads, and re-check 0.1 against the prototype's loss scale.
 *
 * Cost (bench-reward, 300 works, D = 168, 2 cores): a default refit on 2,000 pairs takes
 * ~3–9 ms (about 13 L-BFGS iterations per head), 20,000 pairs ~25 ms; MLP-32 heads take
 * ~140–170 ms at 2,000 pairs (≈ 80 iterations per head of two small sgemms).
 * Determinism: a seed fixes every bit for a given BLAS thread count (OpenBLAS may sum in
 * another order with another count).
 *
 * Outputs. Per work the ensemble mean reward and its spread (sample std across heads).
 * Each head's rewards are centred on the training works (its mean over them is 0), so the
 * spread measures disagreement about differences, not arbitrary per-head offsets.
 * "What it learned": an attribution per input column in reward per standard deviation —
 * for linear heads the mean weight, for MLP heads the mean input gradient over the
 * training works (both computed at fit time and stored with the model).
 *
 * Dimension legend: N works, M works to score, D = F + E input columns, P comparisons,
 * NH heads, HID hidden units.
 */
#pragma once

#include <stddef.h>

#include "atl-rng.h"
#include "atl-status.h"

typedef enum
{
  ATL_REWARD_HEAD_LINEAR = 0,
  ATL_REWARD_HEAD_MLP,
} AtlRewardHeadKind;

typedef enum
{
  ATL_REWARD_ACT_TANH = 0,
  ATL_REWARD_ACT_GELU,   /* the tanh approximation, as the policy's MLP */
} AtlRewardActivation;

typedef struct
{
  int                 n_features;  /* F, ≥ 0 */
  int                 n_embed;     /* E, ≥ 0; F + E ≥ 1 */
  int                 n_heads;     /* NH, 1 … 64; default 5 */
  AtlRewardHeadKind   head;        /* default linear */
  int                 hidden;      /* HID for MLP heads, default 32 */
  AtlRewardActivation act;         /* default tanh */
  float               l2;          /* default 0.1 */
  float               std_floor;   /* default 1e-3 */
  float               embed_scale; /* embedding columns × this after standardising, (0, 1];
                                    * default 1 (see "Input" above) */
  int                 bootstrap;   /* default 1; 0 fits every head on all pairs */
  int                 max_iter;    /* L-BFGS iterations per head, default 300 */
  float               grad_tol;    /* stop when ‖∇J‖₂ ≤ grad_tol, default 1e-4 */
} AtlRewardConfig;

/* One comparison: indices into the works matrix given with it. */
typedef struct
{
  int winner;
  int loser;
} AtlRewardPair;

typedef struct
{
  double log_lik;        /* mean over training pairs (ω-weighted) of log P_ens(w ≻ l), where
                          * P_ens is the heads' mean probability */
  double train_acc;      /* fraction of training pairs the ensemble mean orders right */
  float  max_grad_norm;  /* the worst head's final ‖∇J‖₂ */
  int    n_converged;    /* heads that reached grad_tol */
  int    total_iter;     /* L-BFGS iterations over all heads */
  int    n_works;        /* works the pairs mention (the standardisation set) */
} AtlRewardFitReport;

/* One named parameter array of the model (for checkpoints), in buffer order. */
typedef struct
{
  char   name[32];   /* "mean", "std", "offset", "attribution", "head.0.w", … */
  int    ndim;       /* 1 or 2 */
  int    shape[2];   /* shape[1] is 1 when ndim is 1 */
  size_t offset;     /* in floats, into atl_reward_get_params () */
  size_t numel;
} AtlRewardTensor;

/* One entry of "what it learned". */
typedef struct
{
  int         index;   /* input column, 0 … D−1 */
  const char *name;    /* the caller's name for it (borrowed), or NULL */
  float       weight;  /* attribution: reward per standard deviation of the column */
} AtlRewardFeature;

typedef struct _AtlReward AtlReward;

void      atl_reward_config_init (AtlRewardConfig       *config,
                                  int                    n_features,
                                  int                    n_embed);

AtlStatus atl_reward_new         (const AtlRewardConfig *config,
                                  AtlReward            **out_model,
                                  AtlMsg                *msg);
void      atl_reward_free        (AtlReward             *model);

const AtlRewardConfig *atl_reward_get_config (const AtlReward *model);
/* True after a successful fit or atl_reward_set_fitted. */
int                    atl_reward_is_fitted  (const AtlReward *model);

/* Fits all heads from scratch. works is (n_works, D), row-major, raw; pairs index its
 * rows; weights (P) may be NULL (all 1) and must be finite and ≥ 0 with a positive sum.
 * Fails, leaving the previous fit in place, on: no pairs, fewer than 2 works, an index out
 * of range, a work compared with itself (ATL_ERR_INVALID/RANGE), a NaN or Inf in a row
 * that a pair mentions (ATL_ERR_NUMERIC, naming row and column). report may be NULL. */
AtlStatus atl_reward_fit         (AtlReward             *model,
                                  const float           *works,    /* (n_works, D) */
                                  int                    n_works,
                                  const AtlRewardPair   *pairs,    /* (P) */
                                  int                    n_pairs,
                                  const float           *weights,  /* (P) or NULL */
                                  AtlRng                *rng,
                                  AtlRewardFitReport    *report,
                                  AtlMsg                *msg);

/* Ensemble mean reward and spread per work; out_spread and out_heads may be NULL.
 * out_heads gets every head's (centred) reward, (M, NH). A NaN/Inf input is
 * ATL_ERR_NUMERIC. */
AtlStatus atl_reward_predict     (const AtlReward       *model,
                                  const float           *works,      /* (M, D) */
                                  int                    n_works,
                                  float                 *out_mean,   /* (M) */
                                  float                 *out_spread, /* (M) or NULL */
                                  float                 *out_heads,  /* (M, NH) or NULL */
                                  AtlMsg                *msg);

/* Assigns each work a fold in [0, k) (−1 for a work no pair mentions). Fold f holds out
 * the pairs whose two works are both in f and trains on the pairs that touch no work of
 * f, so a held-out pair's works were never scored in training; a pair across two folds is
 * neither. Works a pair links, directly or through other pairs, share a fold: the pairs
 * of one grid (a favourite over each other work) are held out together — pair-level folds
 * would let the fit memorise a favourite from its other pairs and report accuracy on works
 * it has already seen. Components go in random order (rng) to the fold with the fewest
 * pairs so far; with 2 … k−1 components some folds stay empty (leave one grid out). With a
 * single component (star ratings link a whole session) the works are shuffled into folds
 * one by one; a single grid then has nothing honest to test on (its favourite is in every
 * pair) and its accuracy is NaN. */
AtlStatus atl_reward_assign_folds (const AtlRewardPair *pairs,    /* (P) */
                                   int                  n_pairs,
                                   int                  n_works,
                                   int                  k,
                                   AtlRng              *rng,
                                   int                 *out_fold, /* (n_works) */
                                   AtlMsg              *msg);

/* k-fold held-out pairwise accuracy (k = 5 is the usual choice). Folds come from
 * atl_reward_assign_folds (rng), then fold f = 0 … k−1 is held out in turn and a fresh
 * model is fit on the pairs that touch no work of f, with the same rng (so a manual split
 * that repeats these calls gets identical numbers). A held-out pair counts 1 when the
 * ensemble mean puts the winner above the loser, ½ on a tie, weighted by ω. out_accuracy
 * pools all held-out pairs (NaN when no fold could be tested); out_fold_acc (k, may be
 * NULL) gives each fold's, NaN for a fold with nothing to hold out or to fit on. */
AtlStatus atl_reward_cross_validate (const AtlRewardConfig *config,
                                     const float           *works,   /* (n_works, D) */
                                     int                    n_works,
                                     const AtlRewardPair   *pairs,   /* (P) */
                                     int                    n_pairs,
                                     const float           *weights, /* (P) or NULL */
                                     int                    k,
                                     AtlRng                *rng,
                                     float                 *out_accuracy,
                                     float                 *out_fold_acc, /* (k) */
                                     AtlMsg                *msg);

/* The same split's held-out mean log-likelihood: log σ(r(w) − r(l)) of the ensemble mean
 * over the held-out pairs, ω-weighted (NaN when no fold could be tested). A proper score,
 * so it can choose between configurations where accuracy over a few dozen pairs ties
 * (atl-learner.c picks the embedding's weight by it). Same rng use as above. */
AtlStatus atl_reward_cross_validate_log_lik (const AtlRewardConfig *config,
                                             const float           *works,   /* (n_works, D) */
                                             int                    n_works,
                                             const AtlRewardPair   *pairs,   /* (P) */
                                             int                    n_pairs,
                                             const float           *weights, /* (P) or NULL */
                                             int                    k,
                                             AtlRng                *rng,
                                             float                 *out_log_lik,
                                             AtlMsg                *msg);

/* "What it learned". The attribution per input column (D), borrowed. */
const float *atl_reward_get_attribution (const AtlReward *model);

/* The k columns with the largest |attribution|, strongest first; names (D entries, or
 * NULL) label them; features_only restricts the ranking to the F hand features (the
 * embedding's columns mean nothing to an artist). Returns how many were written. */
int       atl_reward_top_features (const AtlReward     *model,
                                   const char * const  *names,
                                   int                  features_only,
                                   int                  k,
                                   AtlRewardFeature    *out);  /* (k) */

/* Writes "warm hues ↑, symmetry ↓" (UTF-8, NUL-terminated, truncated to len) for the top
 * k hand features; a column without a name prints as "feature 12". */
void      atl_reward_format_top   (const AtlReward     *model,
                                   const char * const  *names,
                                   int                  k,
                                   char                *buf,
                                   size_t               len);

/* Parameters, for checkpoints: one flat buffer, described by a tensor table (mean, std,
 * offset, attribution, then per head "head.<h>.w" for linear heads or "head.<h>.fc.w"
 * (HID, D), "head.<h>.fc.b" (HID), "head.<h>.out.w" (HID) for MLP heads). The config is
 * not in the buffer: the caller stores it beside (e.g. as checkpoint metadata). To load,
 * create a model with the same config, copy each tensor into the buffer, and call
 * atl_reward_set_fitted, which validates the values. */
size_t                 atl_reward_get_n_params (const AtlReward *model);
float                 *atl_reward_get_params   (AtlReward       *model);
const AtlRewardTensor *atl_reward_get_tensors  (const AtlReward *model,
                                                int             *out_n_tensors);
const AtlRewardTensor *atl_reward_find_tensor  (const AtlReward *model,
                                                const char      *name);
AtlStatus              atl_reward_set_fitted   (AtlReward       *model,
                                                AtlMsg          *msg);
