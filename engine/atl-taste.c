/* atl-taste.c: the simulated artists' utilities and their noisy picks.
 *
 * Utilities are in arbitrary but comparable units (a typical base sample spreads over
 * about one unit); callers calibrate τ against the base's spread.
 */
#include "atl-taste.h"

#include <math.h>
#include <string.h>

#include "atl-art-codec.h"
#include "atl-art-features.h"
#include "atl-music-codec.h"
#include "atl-music-features.h"

static const char *const music_tastes[ATL_TASTE_PER_DOMAIN] = {
  "contour", "syncopation", "register", "consonance",
};
static const char *const art_tastes[ATL_TASTE_PER_DOMAIN] = {
  "warm", "symmetry", "density", "curvy",
};

static const char *const *
names_of (const AtlCodec *codec)
{
  if (strcmp (codec->name, "music") == 0)
    return music_tastes;
  if (strcmp (codec->name, "art") == 0)
    return art_tastes;
  return NULL;
}

const char *
atl_taste_name (const AtlCodec *codec,
                int             taste)
{
  const char *const *names = names_of (codec);

  if (names == NULL || taste < 0 || taste >= ATL_TASTE_PER_DOMAIN)
    return NULL;
  return names[taste];
}

int
atl_taste_lookup (const AtlCodec *codec,
                  const char     *name)
{
  const char *const *names = names_of (codec);

  for (int i = 0; names != NULL && i < ATL_TASTE_PER_DOMAIN; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return -1;
}

/* A rising line: the mean onset pitch of the last third of the notes above that of the
 * first third, in fifths. (An arching taste — the middle third above both ends — was
 * tried first: the reward model cannot see it in the codec's features or the mean-pooled
 * embedding, so best-of-8 by the model did no better than chance; see the issue note.) */
static float
rising (const AtlMelody *m)
{
  double sum[3] = { 0 }, count[3] = { 0 };

  if (m->n_notes < 3)
    return -1.0f;
  for (int i = 0; i < m->n_notes; i++)
    {
      int third = i * 3 / m->n_notes;

      sum[third] += m->notes[i].pitch;
      count[third] += 1.0;
    }
  return (float) ((sum[2] / count[2] - sum[0] / count[0]) / 7.0);
}

static AtlStatus
music_utility (int        taste,
               const int *tokens,
               int        len,
               float     *out,
               AtlMsg    *msg)
{
  AtlMelody melody;
  AtlMelody *m = &melody;
  float f[ATL_MUSIC_N_FEATURES];
  AtlStatus status;

  status = atl_music_decode (tokens, len, m, NULL, msg);
  if (status != ATL_OK)
    return status;
  atl_music_features (m, f);
  switch (taste)
    {
    case 0:
      *out = rising (m);
      break;
    case 1:
      *out = 5.0f * f[30];
      break;
    case 2:
      *out = -fabsf (f[34] - 10.0f) / 4.0f;
      break;
    default:
      *out = 3.0f * f[0] + 2.0f * (f[24] + f[25]) - 3.0f * f[28] - 3.0f * f[1];
      break;
    }
  return ATL_OK;
}

static AtlStatus
art_utility (int        taste,
             const int *tokens,
             int        len,
             float     *out,
             AtlMsg    *msg)
{
  AtlArtwork art;
  float f[ATL_ART_N_FEATURES];
  AtlStatus status;

  status = atl_art_decode (tokens, len, &art, msg);
  if (status == ATL_OK)
    status = atl_art_features (&art, f, msg);
  if (status != ATL_OK)
    return status;
  switch (taste)
    {
    case 0:
      *out = 2.0f * (f[7] + f[8] + f[9] - f[11] - f[12] - f[13]) + 5.0f * f[2];
      break;
    case 1:
      *out = 3.0f * (f[17] + f[18]);
      break;
    case 2:
      *out = 2.0f * f[32] + 4.0f * f[16];
      break;
    default:
      *out = 2.0f * (f[21 + ATL_ART_CIRCLE] + f[21 + ATL_ART_ELLIPSE] + f[21 + ATL_ART_QUAD]
                     + f[21 + ATL_ART_CUBIC] + f[21 + ATL_ART_ARC] - f[21 + ATL_ART_RECT]
                     - f[21 + ATL_ART_POLYGON] - f[21 + ATL_ART_LINE]);
      break;
    }
  return ATL_OK;
}

AtlStatus
atl_taste_utility (const AtlCodec *codec,
                   int             taste,
                   const int      *tokens,
                   int             len,
                   float          *out,
                   AtlMsg         *msg)
{
  if (atl_taste_name (codec, taste) == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "the %s domain has no taste %d", codec->name,
                     taste);
  if (strcmp (codec->name, "music") == 0)
    return music_utility (taste, tokens, len, out, msg);
  return art_utility (taste, tokens, len, out, msg);
}

void
atl_taste_pick (const float *u,
                int          n,
                float        tau,
                int          n_pick,
                AtlRng      *rng,
                int         *out_index)
{
  float perceived[256];

  n = n > 256 ? 256 : n;
  for (int i = 0; i < n; i++)
    {
      /* Gumbel(0, 1) = −log(−log U); U is kept off 0. */
      double g = tau > 0.0f ? -log (-log ((atl_rng_uniform (rng) + 1e-7) / (1.0 + 2e-7))) : 0.0;

      perceived[i] = tau > 0.0f ? u[i] / tau + (float) g : u[i];
    }
  for (int p = 0; p < n_pick && p < n; p++)
    {
      int best = -1;

      for (int i = 0; i < n; i++)
        if (perceived[i] > -INFINITY && (best < 0 || perceived[i] > perceived[best]))
          best = i;
      out_index[p] = best;
      perceived[best] = -INFINITY;
    }
}
