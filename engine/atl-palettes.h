/* atl-palettes.h: the curated palettes an artwork's colours come from.
 *
 * A C table, because the engine reads no JSON; assets/palettes.json mirrors it for the app
 * and for people, and a test (tests/app/test-art-palettes.c) checks that the two agree.
 * Append new palettes at the end only: a palette's index is a token of the art codec.
 * Colours are listed roughly from light to dark; code that needs "the lightest slot"
 * measures L* instead of trusting the order.
 */
#pragma once

#include <stdint.h>

#include "atl-colour.h"

#define ATL_N_PALETTES 30

typedef struct
{
  const char *id;          /* stable key, as in palettes.json */
  const char *name;        /* shown to people */
  int         n_colours;   /* 5 or 6 */
  uint32_t    colours[6];  /* 0xRRGGBB */
} AtlPalette;

extern const AtlPalette ATL_PALETTES[ATL_N_PALETTES];

/* The colour of (slot, lightness step) in palette p; dl is the L* shift per step
 * (ATL_ART_LIGHT_STEP for elements, ATL_ART_BG_LIGHT_STEP for backgrounds). */
AtlRgb atl_palette_colour (int    palette,
                           int    slot,
                           int    light,
                           double dl_per_step);
/* The slot with the highest (lowest) L* in palette p. */
int    atl_palette_lightest (int palette);
int    atl_palette_darkest  (int palette);
/* CIELAB L* of a slot's base colour. */
double atl_palette_lightness (int palette,
                              int slot);
