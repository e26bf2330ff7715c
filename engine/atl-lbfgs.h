/* atl-lbfgs.h: a small deterministic full-batch L-BFGS minimiser.
 *
 * Used by the reward model, whose heads are small (≤ a few thousand parameters) and whose
 * objectives are cheap and smooth, so a quasi-Newton method converges in tens of
 * iterations where Adam needs thousands. Two-loop recursion with m stored pairs, the
 * initial scaling γ = sᵀy / yᵀy, and a backtracking line search on the Armijo condition
 * (with a cubic/quadratic step from the directional derivatives). Pairs with too little
 * curvature (sᵀy ≤ 1e-10·‖s‖·‖y‖, possible on non-convex objectives) are not stored.
 * Parameters are floats; dot products and the objective are accumulated in double.
 *
 * Dimension legend: n parameters, m history pairs.
 */
#pragma once

#include <stddef.h>

#include "atl-status.h"

/* Returns J(x) and writes ∇J(x) into grad (n). */
typedef double (*AtlLbfgsFunc) (void        *ctx,
                                const float *x,
                                float       *grad);

typedef struct
{
  int   history;    /* m, default 8 */
  int   max_iter;   /* iterations (each ≥ 1 evaluation) */
  float grad_tol;   /* stop when ‖∇J‖₂ ≤ grad_tol */
} AtlLbfgsConfig;

typedef struct
{
  double loss;       /* J at the returned x */
  float  grad_norm;  /* ‖∇J‖₂ there */
  int    iter;       /* iterations taken */
  int    n_eval;     /* objective evaluations */
  int    converged;  /* grad_norm ≤ grad_tol */
} AtlLbfgsReport;

/* Minimises from x (n), in place. ATL_ERR_NUMERIC when J or ∇J at the start is not
 * finite; a line search that cannot decrease J any more ends the run with the best x
 * (converged tells the caller whether the tolerance was met). */
AtlStatus atl_lbfgs_minimize (AtlLbfgsFunc          func,
                              void                 *ctx,
                              float                *x,
                              size_t                n,
                              const AtlLbfgsConfig *config,
                              AtlLbfgsReport       *report,
                              AtlMsg               *msg);
