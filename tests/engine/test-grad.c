/* test-grad.c: the finite-difference gradient check (see test-grad.h). */
#include "test-grad.h"

#include <math.h>

float *
randn (AtlRng *rng,
       size_t  n,
       float   scale)
{
  float *x = g_new (float, n);

  for (size_t i = 0; i < n; i++)
    x[i] = scale * atl_rng_normal (rng);
  return x;
}

double
dot_double (const float *a,
            const float *b,
            size_t       n)
{
  double s = 0.0;

  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

void
check_grads (LossFunc       loss,
             gpointer       ctx,
             GradParam     *params,
             int            n_params,
             const GradTol *tol)
{
  AtlRng rng;
  double l0 = loss (ctx);

  atl_rng_seed (&rng, 99);
  for (int p = 0; p < n_params; p++)
    {
      GradParam *gp = &params[p];
      int points = (size_t) tol->max_points < gp->n ? tol->max_points : (int) gp->n;
      int skipped = 0;
      double worst = 0.0;

      for (int k = 0; k < points; k++)
        {
          size_t i = (size_t) points == gp->n ? (size_t) k : atl_rng_below (&rng, gp->n);
          float saved = gp->x[i];
          double lp, lm, num, ana = gp->dx[i], err;

          gp->x[i] = saved + tol->eps;
          lp = loss (ctx);
          gp->x[i] = saved - tol->eps;
          lm = loss (ctx);
          gp->x[i] = saved;
          num = (lp - lm) / (2.0 * tol->eps);
          /* A kink: the one-sided slopes differ by more than half their size (a smooth
           * function changes its slope by f''·ε only). */
          if (fabs ((lp - l0) - (l0 - lm)) / tol->eps
              > 0.5 * fmax (fabs (lp - l0), fabs (l0 - lm)) / tol->eps + 10.0 * tol->atol)
            {
              skipped++;
              continue;
            }
          err = fabs (num - ana) / (tol->atol + tol->rtol * fmax (fabs (num), fabs (ana)));
          worst = fmax (worst, err);
          if (err > 1.0)
            g_error ("%s[%zu]: numeric %.7g, analytic %.7g", gp->name, i, num, ana);
        }
      g_test_message ("%s: %d points, %d skipped, worst error %.3f of tolerance",
                      gp->name, points, skipped, worst);
      g_assert_cmpint (skipped * 10, <=, points);
    }
}
