/* atl-parallel.h: a few lanes of independent work at once, on the engine's threads.
 *
 * The tuner's forwards and backwards are small (hundreds of rows of d_model 128): BLAS's
 * own threads split each sgemm too finely and spin between calls, and the code around the
 * sgemms (attention, LayerNorm, GELU, softmax) runs on one core. Splitting the rows into
 * lanes, each with single-threaded BLAS, keeps both cores on useful work.
 */
#pragma once

typedef void (*AtlParallelFunc) (void *user,
                                 int   lane);

/* Calls func (user, i) for every lane i of 0 … n − 1 and returns when all have: at once on
 * up to atl_nn_get_threads () threads (lane 0 on the caller), with BLAS single-threaded
 * meanwhile, since lanes each calling a two-threaded sgemm would oversubscribe the cores.
 * A lane whose thread cannot start runs on the caller afterwards, so every lane always
 * runs and the caller may give lanes fixed shares of work: results never depend on the
 * thread count. Lanes must not call it themselves. n ≤ ATL_PARALLEL_MAX_LANES. */
enum { ATL_PARALLEL_MAX_LANES = 8 };

void atl_parallel_run (int             n,
                       AtlParallelFunc func,
                       void           *user);
