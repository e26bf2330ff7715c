/* atl-rng.h: the engine's explicit random state.
 *
 * Every random draw in the engine takes an AtlRng, so a seed fully determines a result
 * (sampling, bootstrap resamples, initialisation) and two threads never share hidden state.
 * The generator is xoshiro256** seeded through splitmix64.
 */
#pragma once

#include <stdint.h>

typedef struct
{
  uint64_t s[4];
} AtlRng;

void     atl_rng_seed    (AtlRng *rng, uint64_t seed);
uint64_t atl_rng_next    (AtlRng *rng);
/* Uniform in [0, 1) with 24 bits, exact as a float. */
float    atl_rng_uniform (AtlRng *rng);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint32_t atl_rng_below   (AtlRng *rng, uint32_t n);
/* Standard normal (Box–Muller). */
float    atl_rng_normal  (AtlRng *rng);
