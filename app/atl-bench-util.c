/* atl-bench-util.c: medians for the benches (see atl-bench-util.h). Medians, not means,
 * because the machines are shared: one descheduled run must not move the figure. */
#include "atl-bench-util.h"

#include <stdlib.h>

int
atl_bench_compare_doubles (gconstpointer a,
                           gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
atl_bench_median (double *values,
                  int     n)
{
  qsort (values, n, sizeof (double), (GCompareFunc) atl_bench_compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}
