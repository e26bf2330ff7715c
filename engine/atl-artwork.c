/* atl-artwork.c: the artwork's parameter tables (see the table in atl-artwork.h) and its
 * range check. */
#include "atl-artwork.h"

#include <math.h>

#include "atl-palettes.h"

const float ATL_ART_ASPECT[8] = { 1.0f, 0.8f, 0.6f, 0.45f, 0.33f, 0.22f, 0.12f, 0.06f };
/* Index 0 means "filled"; its width is only used by kinds that are always stroked. */
const float ATL_ART_STROKE[ATL_ART_N_STROKE] = {
  0.0f, 0.002f, 0.004f, 0.008f, 0.014f, 0.022f, 0.035f, 0.06f
};
const float ATL_ART_DOT_SPACING[8] = { 0.08f, 0.10f, 0.12f, 0.15f, 0.19f, 0.24f, 0.30f, 0.40f };
const float ATL_ART_DOT_RADIUS[ATL_ART_N_STROKE] = {
  0.12f, 0.18f, 0.24f, 0.30f, 0.36f, 0.42f, 0.48f, 0.56f
};
const int ATL_ART_COMPLEXITY_MIN[ATL_ART_N_COMPLEXITY] = { 1, 5, 9, 15, 23, 33 };
const int ATL_ART_COMPLEXITY_MAX[ATL_ART_N_COMPLEXITY] = { 4, 8, 14, 22, 32, 48 };

double
atl_art_extent (int size)
{
  return exp2 ((size - 31) / 5.0);
}

int
atl_art_size_for_extent (double e)
{
  double s = e > 0 ? 31.0 + 5.0 * log2 (e) : 0.0;
  long r = lround (s);

  return r < 0 ? 0 : r > 31 ? 31 : (int) r;
}

int
atl_art_complexity_for (int n_elements)
{
  for (int b = 0; b < ATL_ART_N_COMPLEXITY; b++)
    if (n_elements <= ATL_ART_COMPLEXITY_MAX[b])
      return b;
  return ATL_ART_N_COMPLEXITY - 1;
}

const char *
atl_art_kind_name (AtlArtKind kind)
{
  static const char *names[ATL_ART_N_KINDS] = {
    "circle", "ellipse", "rect", "polygon", "line", "quad", "cubic", "arc", "dots",
  };
  return (unsigned) kind < ATL_ART_N_KINDS ? names[kind] : "?";
}

const char *
atl_art_family_name (AtlArtFamily family)
{
  static const char *names[ATL_ART_N_FAMILIES] = {
    "constructivist", "orbital", "op-art", "pointillist", "ink", "memphis", "hard-edge",
    "organic", "bauhaus-tiles",
  };
  return (unsigned) family < ATL_ART_N_FAMILIES ? names[family] : "?";
}

AtlStatus
atl_artwork_check (const AtlArtwork *art, AtlMsg *msg)
{
  int n_colours;

  if (art->palette >= ATL_N_PALETTES)
    return atl_fail (msg, ATL_ERR_RANGE, "palette %d ≥ %d", art->palette, ATL_N_PALETTES);
  n_colours = ATL_PALETTES[art->palette].n_colours;
  if (art->bg_slot >= n_colours || art->bg_light >= ATL_ART_N_LIGHT)
    return atl_fail (msg, ATL_ERR_RANGE, "background (%d, %d) out of range",
                     art->bg_slot, art->bg_light);
  if (art->complexity >= ATL_ART_N_COMPLEXITY || art->family >= ATL_ART_N_FAMILIES)
    return atl_fail (msg, ATL_ERR_RANGE, "complexity %d or family %d out of range",
                     art->complexity, art->family);
  if (art->n_elements < ATL_ART_COMPLEXITY_MIN[art->complexity]
      || art->n_elements > ATL_ART_COMPLEXITY_MAX[art->complexity])
    return atl_fail (msg, ATL_ERR_RANGE, "%d elements outside complexity %d (%d … %d)",
                     art->n_elements, art->complexity,
                     ATL_ART_COMPLEXITY_MIN[art->complexity],
                     ATL_ART_COMPLEXITY_MAX[art->complexity]);
  for (int i = 0; i < art->n_elements; i++)
    {
      const AtlArtElement *e = &art->elements[i];

      if (e->kind >= ATL_ART_N_KINDS || e->x >= ATL_ART_GRID || e->y >= ATL_ART_GRID
          || e->size >= 32 || e->shape >= 32 || e->slot >= n_colours
          || e->light >= ATL_ART_N_LIGHT || e->alpha >= ATL_ART_N_ALPHA
          || e->stroke >= ATL_ART_N_STROKE)
        return atl_fail (msg, ATL_ERR_RANGE, "element %d: a field is out of range", i);
      if (e->kind == ATL_ART_CIRCLE && e->shape != 0)
        return atl_fail (msg, ATL_ERR_INVALID, "element %d: a circle has shape 0", i);
      if ((e->kind == ATL_ART_LINE || e->kind == ATL_ART_QUAD || e->kind == ATL_ART_CUBIC)
          && e->stroke == 0)
        return atl_fail (msg, ATL_ERR_INVALID, "element %d: a %s must be stroked", i,
                         atl_art_kind_name (e->kind));
    }
  return ATL_OK;
}
