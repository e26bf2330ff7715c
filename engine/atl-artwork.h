/* atl-artwork.h: a decoded composition, the art domain's Work.
 *
 * An artwork is a palette, a background, two style tags (complexity bucket and style
 * family) and up to 48 elements drawn in order (painter's algorithm). Every field is a
 * small integer — exactly the value of one token of the art codec — so encode/decode
 * round-trips exactly; the renderer alone turns them into geometry. All geometry lives in
 * the unit square (0,0 top-left … 1,1 bottom-right), so a composition is identical at any
 * output size.
 *
 * Parameters (the "value" column is the integer stored in AtlArtElement):
 *
 * | field    | values | meaning                                                             |
 * |----------|--------|---------------------------------------------------------------------|
 * | kind     | 0 … 8  | AtlArtKind below                                                    |
 * | x, y     | 0 … 31 | anchor (usually the centre) at (x / 32, y / 32): the canvas centre, |
 * |          |        | halves, quarters and eighths are exact grid points                   |
 * | size     | 0 … 31 | extent e = 2^((size − 31) / 5): 0.0136 … 1 canvas side, steps of   |
 * |          |        | ×1.149 that hit 1/2, 1/4, 1/8, 1/16 exactly (size 26, 21, 16, 11);  |
 * |          |        | what e measures depends on the kind                                 |
 * | shape    | 0 … 31 | rotation/aspect, by kind (see the kind table)                       |
 * | slot     | 0 … 5  | palette colour; must be < the palette's colour count                 |
 * | light    | 0 … 4  | lightness step: CIELAB L* shifted by (light − 2) · 14, chroma kept  |
 * |          |        | where sRGB allows (2 = the palette colour itself)                   |
 * | alpha    | 0 … 7  | opacity (alpha + 1) / 8                                             |
 * | stroke   | 0 … 7  | 0 = filled; k ≥ 1 = outlined with width ATL_ART_STROKE[k] (canvas   |
 * |          |        | units: 0.002 … 0.06); for dot fields: the dot radius index        |
 *
 * | kind      | e (size) is …            | shape token s                                 |
 * |-----------|--------------------------|-----------------------------------------------|
 * | circle    | the radius               | unused, always 0                              |
 * | ellipse   | the major semi-axis      | rotation (s / 8) · 45°, minor/major = ASPECT[s % 8] |
 * | rectangle | half the longer side     | as ellipse: rotation (s / 8) · 45°, short/long = ASPECT[s % 8] |
 * | polygon   | circumradius             | n = 3 + s / 4 sides (3 … 10), rotated (s % 4) / 4 of 360°/n |
 * | line      | half the length          | angle s · 180°/32                             |
 * | quad      | half the chord           | chord angle (s / 2) · 22.5° (0 … 360°); the control point sits |
 * |           |                          | off the chord's middle, perpendicular, by e · (s odd ? 1.1 : 0.5) |
 * | cubic     | half the chord           | chord angle (s / 2) · 22.5°; s even: an S-curve (controls at  |
 * |           |                          | ±0.9 e on opposite sides), s odd: an arch (both +0.9 e)  |
 * | arc       | the radius               | start (s / 4) · 45°, sweep {90, 180, 270, 330}°[s % 4]; filled arcs |
 * |           |                          | are pie wedges, outlined arcs open strokes |
 * | dots      | radius of the field      | pattern (s / 8): square grid, hex grid, rings, phyllotaxis spiral; |
 * |           |                          | spacing = e · {0.08 … 0.40}[s % 8] (see ATL_ART_DOT_SPACING) |
 *
 * Lines, quadratic and cubic strokes are always outlined (stroke ≥ 1); a dot field's dots
 * have radius ATL_ART_DOT_RADIUS[stroke] × spacing.
 *
 * Background: a palette slot and a lightness step (same meaning as an element's, with
 * larger steps so paper-light and ink-dark grounds exist: L* shifted by (light − 2) · 22).
 * Complexity bucket b binds the element count to ATL_ART_COMPLEXITY_MIN[b] …
 * ATL_ART_COMPLEXITY_MAX[b], so the complexity slider is exact.
 */
#pragma once

#include <stdint.h>

#include "atl-status.h"

#define ATL_ART_GRID          32
#define ATL_ART_MAX_ELEMENTS  48
#define ATL_ART_MAX_SLOTS     6
#define ATL_ART_N_LIGHT       5
#define ATL_ART_N_ALPHA       8
#define ATL_ART_N_STROKE      8
#define ATL_ART_N_COMPLEXITY  6
/* L* shift per lightness step of an element's colour and of the background. */
#define ATL_ART_LIGHT_STEP    14.0
#define ATL_ART_BG_LIGHT_STEP 22.0

typedef enum
{
  ATL_ART_CIRCLE,
  ATL_ART_ELLIPSE,
  ATL_ART_RECT,
  ATL_ART_POLYGON,
  ATL_ART_LINE,
  ATL_ART_QUAD,
  ATL_ART_CUBIC,
  ATL_ART_ARC,
  ATL_ART_DOTS,
  ATL_ART_N_KINDS
} AtlArtKind;

/* The style families of the procedural corpus (atl-art-corpus.h says what each is). */
typedef enum
{
  ATL_ART_CONSTRUCTIVIST,
  ATL_ART_ORBITAL,
  ATL_ART_OPART,
  ATL_ART_POINTILLIST,
  ATL_ART_INK,
  ATL_ART_MEMPHIS,
  ATL_ART_HARD_EDGE,
  ATL_ART_ORGANIC,
  ATL_ART_BAUHAUS_TILES,
  ATL_ART_N_FAMILIES
} AtlArtFamily;

typedef struct
{
  uint8_t kind;      /* AtlArtKind */
  uint8_t x, y;      /* 0 … 31 */
  uint8_t size;      /* 0 … 31 */
  uint8_t shape;     /* 0 … 31, meaning by kind */
  uint8_t slot;      /* 0 … palette colours − 1 */
  uint8_t light;     /* 0 … 4 */
  uint8_t alpha;     /* 0 … 7 */
  uint8_t stroke;    /* 0 … 7 */
} AtlArtElement;

typedef struct
{
  uint8_t       palette;      /* index into atl-palettes.h */
  uint8_t       bg_slot;      /* 0 … palette colours − 1 */
  uint8_t       bg_light;     /* 0 … 4 */
  uint8_t       complexity;   /* 0 … ATL_ART_N_COMPLEXITY − 1 */
  uint8_t       family;       /* AtlArtFamily */
  int           n_elements;   /* 1 … 48 */
  AtlArtElement elements[ATL_ART_MAX_ELEMENTS];
} AtlArtwork;

extern const float ATL_ART_ASPECT[8];
extern const float ATL_ART_STROKE[ATL_ART_N_STROKE];
extern const float ATL_ART_DOT_SPACING[8];
extern const float ATL_ART_DOT_RADIUS[ATL_ART_N_STROKE];
extern const int   ATL_ART_COMPLEXITY_MIN[ATL_ART_N_COMPLEXITY];
extern const int   ATL_ART_COMPLEXITY_MAX[ATL_ART_N_COMPLEXITY];

/* Extent e of a size value, in canvas units. */
double      atl_art_extent            (int size);
/* The size value whose extent is nearest e (clamped to 0 … 31). */
int         atl_art_size_for_extent   (double e);
/* The complexity bucket of an element count (1 … 48). */
int         atl_art_complexity_for    (int n_elements);
const char *atl_art_kind_name         (AtlArtKind kind);
const char *atl_art_family_name       (AtlArtFamily family);
/* Is every field in range (kinds, slots against the palette, the count against the
 * complexity, circle shape 0, strokes on line kinds)? On failure msg names the field. */
AtlStatus   atl_artwork_check         (const AtlArtwork *art,
                                       AtlMsg           *msg);
