/* atl-rng.c: xoshiro256** (Blackman and Vigna), seeded with splitmix64. */
#include "atl-rng.h"

#include <math.h>

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
atl_rng_seed (AtlRng *rng, uint64_t seed)
{
  uint64_t x = seed;

  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

uint64_t
atl_rng_next (AtlRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

float
atl_rng_uniform (AtlRng *rng)
{
  return (float) (atl_rng_next (rng) >> 40) * (1.0f / 16777216.0f);
}

uint32_t
atl_rng_below (AtlRng *rng, uint32_t n)
{
  /* Lemire's multiply-shift with rejection of the biased low band. */
  uint64_t m = (uint64_t) (uint32_t) (atl_rng_next (rng) >> 32) * n;
  uint32_t low = (uint32_t) m;

  if (low < n)
    {
      uint32_t threshold = -n % n;

      while (low < threshold)
        {
          m = (uint64_t) (uint32_t) (atl_rng_next (rng) >> 32) * n;
          low = (uint32_t) m;
        }
    }
  return (uint32_t) (m >> 32);
}

float
atl_rng_normal (AtlRng *rng)
{
  /* 1 - u keeps the logarithm's argument in (0, 1]. */
  double u1 = 1.0 - (double) (atl_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
  double u2 = (double) (atl_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);

  return (float) (sqrt (-2.0 * log (u1)) * cos (2.0 * M_PI * u2));
}
