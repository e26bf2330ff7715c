/* test-grad.h: the finite-difference gradient check shared by test-nn and test-policy.
 *
 * A check builds a scalar loss L = Σ out·r (r a fixed random projection, summed in
 * double), runs the backward with dout = r, and compares every analytic gradient with the
 * central difference (L(x+ε) − L(x−ε)) / 2ε, with a tolerance per op. Points where the two
 * one-sided differences disagree strongly (a kink, or float noise dominating) are skipped
 * and counted; a check fails if it skips more than a tenth of its points.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

#include "atl-rng.h"

typedef double (*LossFunc) (gpointer ctx);

typedef struct
{
  const char *name;
  float      *x;     /* the input */
  float      *dx;    /* its analytic gradient */
  size_t      n;
} GradParam;

typedef struct
{
  float  eps;
  double rtol;
  double atol;
  int    max_points;  /* per parameter; larger tensors are sampled */
} GradTol;

float  *randn       (AtlRng        *rng,
                     size_t         n,
                     float          scale);
double  dot_double  (const float   *a,
                     const float   *b,
                     size_t         n);
void    check_grads (LossFunc       loss,
                     gpointer       ctx,
                     GradParam     *params,
                     int            n_params,
                     const GradTol *tol);
