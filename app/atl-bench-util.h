/* atl-bench-util.h: what every bench needs to summarise repeated timings. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* qsort / g_array_sort order for doubles (NaN sorts as equal to everything). */
int    atl_bench_compare_doubles (gconstpointer a,
                                  gconstpointer b);

/* The median of values[0 … n−1], n ≥ 1; sorts them in place. */
double atl_bench_median          (double       *values,
                                  int           n);

G_END_DECLS
