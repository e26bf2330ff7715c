/* atl-nn-small.h: linear layers for a handful of rows, as the sampler's steps have.
 *
 * A sampling step multiplies B ≤ ~32 rows by each weight matrix. Through cblas_sgemm that
 * costs more in packing the weights (OpenBLAS copies the whole weight panel on every call)
 * than in arithmetic: 27% of a music sampling run's instructions were sgemm_incopy. Here the
 * weights are transposed once per run into (C, OC) and each block of four rows keeps
 * sixteen outputs in registers while it walks C: no packing, no call overhead.
 *
 * Dimension legend: N rows, C input channels, OC output channels.
 */
#pragma once

/* wt (C, OC) = w (OC, C) transposed. */
void atl_nn_small_transpose      (float       *wt,
                                  const float *w,
                                  int          OC,
                                  int          C);

/* out (N, OC) = inp (N, C) · wt (C, OC) + bias (OC, nullable), or += when accumulate:
 * the same result as atl_nn_linear_forward with the untransposed weight, up to the order
 * of the sums. */
void atl_nn_small_linear_forward (float       *out,
                                  const float *inp,
                                  const float *wt,
                                  const float *bias,
                                  int          N,
                                  int          C,
                                  int          OC,
                                  int          accumulate);
