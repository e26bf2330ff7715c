/* atl-lbfgs.c: full-batch L-BFGS with a backtracking Armijo line search (see atl-lbfgs.h). */
#include "atl-lbfgs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARMIJO_C1       1e-4
#define MAX_BACKTRACKS  40

static double
dot (const float *a,
     const float *b,
     size_t       n)
{
  double s = 0.0;

  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

static int
all_finite (const float *x,
            size_t       n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return 0;
  return 1;
}

/* d = −H·g by the two-loop recursion over the stored pairs, newest last in ring order. */
static void
two_loop (float       *d,       /* (n) */
          const float *g,       /* (n) */
          float      **s,       /* m × (n) */
          float      **y,       /* m × (n) */
          const double *rho,    /* (m) */
          double       *alpha,  /* (m) scratch */
          int           count,
          int           newest,
          int           m,
          size_t        n)
{
  for (size_t i = 0; i < n; i++)
    d[i] = -g[i];
  for (int k = 0; k < count; k++)
    {
      int j = (newest - k + m) % m;
      double a = rho[j] * dot (s[j], d, n);

      alpha[j] = a;
      for (size_t i = 0; i < n; i++)
        d[i] -= (float) (a * y[j][i]);
    }
  if (count > 0)
    {
      double yy = dot (y[newest], y[newest], n);
      double gamma = yy > 0.0 ? 1.0 / (rho[newest] * yy) : 1.0;

      for (size_t i = 0; i < n; i++)
        d[i] = (float) (gamma * d[i]);
    }
  for (int k = count - 1; k >= 0; k--)
    {
      int j = (newest - k + m) % m;
      double b = rho[j] * dot (y[j], d, n);

      for (size_t i = 0; i < n; i++)
        d[i] += (float) ((alpha[j] - b) * s[j][i]);
    }
}

AtlStatus
atl_lbfgs_minimize (AtlLbfgsFunc          func,
                    void                 *ctx,
                    float                *x,
                    size_t                n,
                    const AtlLbfgsConfig *config,
                    AtlLbfgsReport       *report,
                    AtlMsg               *msg)
{
  int m = config->history > 0 ? config->history : 8;
  float *buf, *g, *d, *xn, *gn, **s, **y;
  double *rho, *alpha, f, gnorm;
  int count = 0, newest = -1, iter = 0, n_eval = 1;
  AtlStatus status = ATL_OK;

  memset (report, 0, sizeof *report);
  if (n == 0)
    return ATL_OK;
  buf = calloc ((size_t) (4 + 2 * m) * n, sizeof (float));
  s = calloc ((size_t) m, sizeof (float *));
  y = calloc ((size_t) m, sizeof (float *));
  rho = calloc ((size_t) m, sizeof (double));
  alpha = calloc ((size_t) m, sizeof (double));
  if (!buf || !s || !y || !rho || !alpha)
    {
      status = atl_fail (msg, ATL_ERR_NOMEM, "L-BFGS: out of memory for %zu parameters", n);
      goto out;
    }
  g = buf;
  d = buf + n;
  xn = buf + 2 * n;
  gn = buf + 3 * n;
  for (int j = 0; j < m; j++)
    {
      s[j] = buf + (size_t) (4 + j) * n;
      y[j] = buf + (size_t) (4 + m + j) * n;
    }

  f = func (ctx, x, g);
  if (!isfinite (f) || !all_finite (g, n))
    {
      status = atl_fail (msg, ATL_ERR_NUMERIC, "L-BFGS: the objective is not finite at the start");
      goto out;
    }
  gnorm = sqrt (dot (g, g, n));

  while (iter < config->max_iter && !(gnorm <= config->grad_tol))
    {
      double dg, t, fn = f;
      int accepted = 0;

      two_loop (d, g, s, y, rho, alpha, count, newest, m, n);
      dg = dot (d, g, n);
      if (!(dg < 0.0))
        {
          /* Not a descent direction (stale curvature): restart from steepest descent. */
          count = 0;
          for (size_t i = 0; i < n; i++)
            d[i] = -g[i];
          dg = -gnorm * gnorm;
        }
      /* Without curvature information, make the first step of unit length. */
      t = count == 0 ? fmin (1.0, 1.0 / sqrt (dot (d, d, n))) : 1.0;

      for (int bt = 0; bt < MAX_BACKTRACKS; bt++)
        {
          for (size_t i = 0; i < n; i++)
            xn[i] = x[i] + (float) (t * d[i]);
          fn = func (ctx, xn, gn);
          n_eval++;
          if (isfinite (fn) && all_finite (gn, n) && fn <= f + ARMIJO_C1 * t * dg)
            {
              accepted = 1;
              break;
            }
          if (isfinite (fn))
            {
              /* Minimum of the quadratic through f, the slope dg and fn, kept in
               * [0.1t, 0.5t] so the search neither stalls nor overshoots. */
              double denom = 2.0 * (fn - f - dg * t);
              double tq = denom > 0.0 ? -dg * t * t / denom : 0.5 * t;

              t = fmax (0.1 * t, fmin (0.5 * t, tq));
            }
          else
            t *= 0.1;
        }
      iter++;
      if (!accepted)
        break;  /* J cannot decrease along d any more at float precision */

      {
        int j = (newest + 1) % m;
        double sy, ss, yy;

        for (size_t i = 0; i < n; i++)
          {
            s[j][i] = xn[i] - x[i];
            y[j][i] = gn[i] - g[i];
          }
        sy = dot (s[j], y[j], n);
        ss = dot (s[j], s[j], n);
        yy = dot (y[j], y[j], n);
        if (sy > 1e-10 * sqrt (ss * yy))
          {
            rho[j] = 1.0 / sy;
            newest = j;
            if (count < m)
              count++;
          }
        else if (count == m)
          count--;  /* slot j held the oldest pair, now overwritten: drop it */
      }
      memcpy (x, xn, n * sizeof (float));
      memcpy (g, gn, n * sizeof (float));
      f = fn;
      gnorm = sqrt (dot (g, g, n));
    }

  report->loss = f;
  report->grad_norm = (float) gnorm;
  report->iter = iter;
  report->n_eval = n_eval;
  report->converged = gnorm <= config->grad_tol;

out:
  free (buf);
  free (s);
  free (y);
  free (rho);
  free (alpha);
  return status;
}
