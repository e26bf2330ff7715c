/* test-art-features.c: the art features on hand-made compositions whose answers are known
 * from geometry and colour science, table-driven.
 *
 * Each case builds an artwork from a few elements placed on exact grid points (the canvas
 * centre is x = y = 16, the left edge 0; size 26 is an extent of exactly 1/2, size 21 of
 * 1/4, size 31 of 1) and states the features it must have, each with a tolerance that
 * allows for the 64 × 64 raster and its anti-aliased edges.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-art-features.h"
#include "atl-palettes.h"

enum
{
  F_L_MEAN = 0, F_A_MEAN = 1, F_B_MEAN = 2, F_A_SPREAD = 4,
  F_COLOURFUL = 6, F_HUE0 = 7,
  F_COVERAGE = 15, F_EDGES = 16, F_SYM_LR = 17, F_SYM_TB = 18, F_CX = 19, F_CY = 20,
  F_KIND_CIRCLE = 21, F_KIND_LINE = 25, F_KIND_DOTS = 29,
  F_SIZE_SPREAD = 30, F_COMPRESS = 31, F_COUNT = 32, F_ALPHA = 33,
};

typedef struct
{
  int   feature;
  float value;
  float tolerance;
} Expect;

typedef struct
{
  const char   *name;
  const char   *palette;        /* palette id */
  int           bg_slot;
  int           n_elements;
  AtlArtElement elements[4];
  Expect        expect[12];     /* unused entries are all zero */
} Case;

#define SQUARE(x_, y_, size_, slot_) \
  { .kind = ATL_ART_RECT, .x = (x_), .y = (y_), .size = (size_), .shape = 0, \
    .slot = (slot_), .light = 2, .alpha = 7, .stroke = 0 }
#define DISC(x_, y_, size_, slot_) \
  { .kind = ATL_ART_CIRCLE, .x = (x_), .y = (y_), .size = (size_), .shape = 0, \
    .slot = (slot_), .light = 2, .alpha = 7, .stroke = 0 }

static const Case cases[] = {
  /* A disc of radius 1/4 in the middle: mirror-symmetric both ways, its ink centred, and
   * covering π/16 of the canvas (a little more on the raster: an anti-aliased edge pixel
   * only a few percent black is already more than ΔE 5 from white, so the rim counts). */
  { "centred-disc", "mondrian", 0, 1, { DISC (16, 16, 21, 4) },
    { { F_COVERAGE, (float) (G_PI / 16.0), 0.015f }, { F_SYM_LR, 1.0f, 0.02f },
      { F_SYM_TB, 1.0f, 0.02f }, { F_CX, 0.5f, 0.01f }, { F_CY, 0.5f, 0.01f },
      { F_KIND_CIRCLE, 1.0f, 0.0f }, { F_COUNT, 1.0f / 48.0f, 1e-6f },
      { F_ALPHA, 1.0f, 1e-6f }, { F_SIZE_SPREAD, 0.0f, 1e-6f } } },
  /* The left half filled with black on white: symmetric top to bottom only; the ink's
   * centre at (1/4, 1/2); half the canvas covered. */
  { "left-half", "mondrian", 0, 1, { SQUARE (0, 16, 26, 4) },
    { { F_COVERAGE, 0.5f, 0.01f }, { F_CX, 0.25f, 0.01f }, { F_CY, 0.5f, 0.01f },
      { F_SYM_TB, 1.0f, 0.02f }, { F_SYM_LR, 0.0f, 0.05f } } },
  /* The top half filled: the same, turned. */
  { "top-half", "mondrian", 0, 1, { SQUARE (16, 0, 26, 4) },
    { { F_COVERAGE, 0.5f, 0.01f }, { F_CX, 0.5f, 0.01f }, { F_CY, 0.25f, 0.01f },
      { F_SYM_LR, 1.0f, 0.02f }, { F_SYM_TB, 0.0f, 0.05f } } },
  /* The whole canvas pure red (#DD0100; CIELAB ≈ 46, 72, 60): a* high and uniform, every
   * pixel in the first hue bin (0–45°), Hasler–Süsstrunk M = 0.3·|(R−G, (R+G)/2 − B)|
   * = 0.3·√(221² + 110.5²) = 74.1, no edges, one run per row. */
  { "all-red", "mondrian", 0, 1, { SQUARE (16, 16, 31, 1) },
    { { F_COVERAGE, 1.0f, 0.001f }, { F_A_MEAN, 0.72f, 0.04f }, { F_B_MEAN, 0.60f, 0.05f },
      { F_L_MEAN, 0.46f, 0.03f }, { F_A_SPREAD, 0.0f, 0.001f }, { F_HUE0, 1.0f, 0.001f },
      { F_COLOURFUL, 0.741f, 0.01f }, { F_EDGES, 0.0f, 0.001f },
      { F_COMPRESS, 1.0f - 64.0f / 4096.0f, 0.001f }, { F_SYM_LR, 1.0f, 0.001f } } },
  /* A mid-grey square (#7A7A7A) of side 1/2 on off-white (#F5F5F0): no chroma to speak
   * of. Only the ground's faint yellow counts: yb = 5 on 3/4 of the pixels, 0 elsewhere,
   * so M = σ_yb + 0.3·μ_yb = √(¾·¼)·5 + 0.3·3.75 = 3.29. */
  { "greys", "op-art-mono", 0, 1, { SQUARE (16, 16, 21, 2) },
    { { F_COLOURFUL, 0.0329f, 0.002f }, { F_A_MEAN, 0.0f, 0.01f }, { F_B_MEAN, 0.0f, 0.02f },
      { F_HUE0, 0.0f, 0.0f }, { F_COVERAGE, 0.25f, 0.01f }, { F_CX, 0.5f, 0.01f } } },
  /* Four elements of known kinds, sizes and opacities: the list statistics are exact.
   * Sizes 10, 20, 12, 14: mean 14, population deviation √14; opacities 1, 1/2, 1, 1/4. */
  { "element-list", "mondrian", 0, 4,
    { { .kind = ATL_ART_CIRCLE, .x = 8, .y = 8, .size = 10, .slot = 1, .light = 2,
        .alpha = 7 },
      { .kind = ATL_ART_CIRCLE, .x = 24, .y = 8, .size = 20, .slot = 2, .light = 2,
        .alpha = 3 },
      { .kind = ATL_ART_LINE, .x = 16, .y = 20, .size = 12, .shape = 0, .slot = 4,
        .light = 2, .alpha = 7, .stroke = 2 },
      { .kind = ATL_ART_DOTS, .x = 16, .y = 26, .size = 14, .shape = 2, .slot = 3,
        .light = 2, .alpha = 1, .stroke = 3 } },
    { { F_KIND_CIRCLE, 0.5f, 1e-6f }, { F_KIND_LINE, 0.25f, 1e-6f },
      { F_KIND_DOTS, 0.25f, 1e-6f }, { F_COUNT, 4.0f / 48.0f, 1e-6f },
      { F_ALPHA, (1.0f + 0.5f + 1.0f + 0.25f) / 4.0f, 1e-6f },
      { F_SIZE_SPREAD, (float) (sqrt (14.0) / 31.0), 1e-5f } } },
};

static int
palette_index (const char *id)
{
  for (int p = 0; p < ATL_N_PALETTES; p++)
    if (g_str_equal (ATL_PALETTES[p].id, id))
      return p;
  g_assert_not_reached ();
  return -1;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  AtlArtwork art;
  float x[ATL_ART_N_FEATURES];
  AtlMsg msg = { { 0 } };

  memset (&art, 0, sizeof art);
  art.palette = (uint8_t) palette_index (c->palette);
  art.bg_slot = (uint8_t) c->bg_slot;
  art.bg_light = 2;
  art.n_elements = c->n_elements;
  art.complexity = (uint8_t) atl_art_complexity_for (c->n_elements);
  art.family = ATL_ART_HARD_EDGE;
  memcpy (art.elements, c->elements, sizeof (AtlArtElement) * c->n_elements);
  g_assert_cmpint (atl_artwork_check (&art, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_art_features (&art, x, &msg), ==, ATL_OK);

  for (int f = 0; f < ATL_ART_N_FEATURES; f++)
    g_assert_true (isfinite (x[f]));
  for (gsize i = 0; i < G_N_ELEMENTS (c->expect); i++)
    {
      const Expect *e = &c->expect[i];

      if (e->feature == 0 && e->value == 0.0f && e->tolerance == 0.0f)
        continue;

      g_test_message ("%s: %s = %.4f (expected %.4f ± %.4f)", c->name,
                      atl_art_feature_name (e->feature), x[e->feature], e->value,
                      e->tolerance);
      g_assert_cmpfloat_with_epsilon (x[e->feature], e->value, e->tolerance + 1e-7f);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/art/features/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  return g_test_run ();
}
