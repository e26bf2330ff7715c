/* atl-art-corpus-private.h: what the corpus's family generators share — the sample being
 * built, its palette's measured colours, and small helpers that clamp every value into
 * its token range so a generator cannot produce an invalid artwork. */
#pragma once

#include <math.h>

#include "atl-art-corpus.h"
#include "atl-palettes.h"

typedef struct
{
  AtlArtwork *art;
  AtlRng     *rng;
  int         n_colours;
  double      lightness[6];   /* L* of each slot's base colour */
  double      chroma[6];      /* C*ab of each slot */
  int         lightest, darkest, vivid;   /* vivid: the most chromatic slot */
} AtlArtGen;

static inline int
_gen_clamp (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Uniform integer in lo … hi inclusive. */
static inline int
_gen_int (AtlArtGen *g, int lo, int hi)
{
  return hi <= lo ? lo : lo + (int) atl_rng_below (g->rng, (uint32_t) (hi - lo + 1));
}

static inline double
_gen_real (AtlArtGen *g, double lo, double hi)
{
  return lo + (hi - lo) * atl_rng_uniform (g->rng);
}

static inline int
_gen_chance (AtlArtGen *g, double p)
{
  return atl_rng_uniform (g->rng) < p;
}

/* A unit-square coordinate as a grid position. */
static inline int
_gen_grid (double u)
{
  return _gen_clamp ((int) lround (u * ATL_ART_GRID), 0, ATL_ART_GRID - 1);
}

/* Appends an element (values clamped to their ranges); NULL when the artwork is full. */
AtlArtElement *_atl_art_gen_add (AtlArtGen *g, AtlArtKind kind, int x, int y, int size,
                                 int shape, int slot, int light, int alpha, int stroke);
/* The same with the centre and extent in canvas units. */
AtlArtElement *_atl_art_gen_addf (AtlArtGen *g, AtlArtKind kind, double x, double y,
                                  double extent, int shape, int slot, int light, int alpha,
                                  int stroke);
void           _atl_art_gen_background (AtlArtGen *g, int slot, int light);
/* A random slot other than the background's. */
int            _atl_art_gen_ink        (AtlArtGen *g);
/* A random slot whose L* differs from the background's by ≥ min_dl (else the farthest). */
int            _atl_art_gen_contrast   (AtlArtGen *g, double min_dl);
/* Fisher–Yates shuffle of v[0 … n−1]. */
void           _atl_art_gen_shuffle    (AtlArtGen *g, int *v, int n);

/* Paper: the lightest slot, lifted. */
static inline void
_gen_paper (AtlArtGen *g)
{
  _atl_art_gen_background (g, g->lightest, _gen_int (g, 2, 3));
}

/* Shape tokens by kind (see the table in atl-artwork.h). */
static inline int
_shape_box (int rot45, int aspect)
{
  return (rot45 & 3) * 8 + _gen_clamp (aspect, 0, 7);
}

static inline int
_shape_polygon (int sides, int rot)
{
  return (_gen_clamp (sides, 3, 10) - 3) * 4 + (rot & 3);
}

static inline int
_shape_arc (int start45, int sweep)
{
  return (start45 & 7) * 4 + (sweep & 3);
}

static inline int
_shape_curve (int dir, int variant)
{
  return (dir & 15) * 2 + (variant & 1);
}

static inline int
_shape_dots (int pattern, int spacing)
{
  return (pattern & 3) * 8 + (spacing & 7);
}

/* The families, one function each (atl-art-corpus.c and atl-art-corpus-more.c). */
void _atl_art_constructivist (AtlArtGen *g);
void _atl_art_orbital        (AtlArtGen *g);
void _atl_art_opart          (AtlArtGen *g);
void _atl_art_pointillist    (AtlArtGen *g);
void _atl_art_ink            (AtlArtGen *g);
void _atl_art_memphis        (AtlArtGen *g);
void _atl_art_hard_edge      (AtlArtGen *g);
void _atl_art_organic        (AtlArtGen *g);
void _atl_art_bauhaus_tiles  (AtlArtGen *g);
