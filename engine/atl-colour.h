/* atl-colour.h: sRGB ↔ CIELAB (D65) for the art domain.
 *
 * Lightness steps are taken in CIELAB so a palette colour keeps its hue as it lightens or
 * darkens, and the feature extractor measures colour the way people see it. Plain doubles,
 * sRGB components in [0, 1].
 */
#pragma once

#include <stdint.h>

typedef struct
{
  double r, g, b;   /* sRGB, gamma-encoded, 0 … 1 */
} AtlRgb;

typedef struct
{
  double l, a, b;   /* CIELAB, L* 0 … 100 */
} AtlLab;

AtlRgb atl_rgb_from_hex   (uint32_t hex);            /* 0xRRGGBB */
AtlLab atl_lab_from_rgb   (AtlRgb rgb);
/* The sRGB colour of lab; *in_gamut (may be NULL) says whether it needed no clipping. */
AtlRgb atl_rgb_from_lab   (AtlLab lab,
                           int   *in_gamut);
/* colour with L* shifted by dl, clamped to 3 … 98; chroma is reduced only as far as
 * needed to stay inside sRGB. */
AtlRgb atl_rgb_shift_lightness (AtlRgb colour,
                                double dl);
