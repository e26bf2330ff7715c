/* atl-art-codec.h: the art domain's codec — tokens ↔ AtlArtwork.
 *
 * Sequence: BOS, family, palette, background, complexity (the prefix: what the sliders
 * set), then 1 … 48 elements of exactly 8 tokens each, then EOS:
 *
 *   kind  x  y  size  shape  colour  alpha  stroke
 *
 * Every slot has its own vocabulary range (below), so the grammar forces each slot and a
 * token's meaning never depends on its neighbours; at most 1 + 4 + 48·8 + 1 = 390 tokens.
 * The grammar (allowed) additionally enforces, and nothing more:
 *   - background and element colour slots exist in the chosen palette (5- or 6-colour);
 *   - the element count lies in the complexity bucket's range (EOS only from the bucket's
 *     minimum, EOS forced at its maximum), so complexity is an exact control;
 *   - a circle's shape token is 0 (a circle has no rotation or aspect);
 *   - lines and quadratic/cubic strokes are stroked (stroke ≥ 1).
 * Colour and background tokens are palette slot × 5 lightness steps (slot · 5 + light).
 */
#pragma once

#include "atl-artwork.h"
#include "atl-codec.h"

/* Version 2 put the family first: a policy samples the prefix left to right, so a slot
 * can only be conditioned on the slots before it, and a requested family must be able to
 * choose its own palette, background and complexity. */
#define ATL_ART_CODEC_VERSION      2
#define ATL_ART_PREFIX_LEN         4
#define ATL_ART_TOKENS_PER_ELEMENT 8
#define ATL_ART_MAX_LEN            (1 + ATL_ART_PREFIX_LEN \
                                    + ATL_ART_MAX_ELEMENTS * ATL_ART_TOKENS_PER_ELEMENT + 1)

/* First token id of each slot's range; each range is as long as the slot has values. */
enum
{
  ATL_ART_TOK_PALETTE = 3,                                       /* ATL_N_PALETTES (30) */
  ATL_ART_TOK_BG      = ATL_ART_TOK_PALETTE + 30,                /* 6 slots × 5 lights */
  ATL_ART_TOK_CPLX    = ATL_ART_TOK_BG + 30,                     /* 6 buckets */
  ATL_ART_TOK_FAMILY  = ATL_ART_TOK_CPLX + ATL_ART_N_COMPLEXITY,  /* 9 families */
  ATL_ART_TOK_KIND    = ATL_ART_TOK_FAMILY + ATL_ART_N_FAMILIES, /* 9 kinds */
  ATL_ART_TOK_X       = ATL_ART_TOK_KIND + ATL_ART_N_KINDS,      /* 32 */
  ATL_ART_TOK_Y       = ATL_ART_TOK_X + 32,                      /* 32 */
  ATL_ART_TOK_SIZE    = ATL_ART_TOK_Y + 32,                      /* 32 */
  ATL_ART_TOK_SHAPE   = ATL_ART_TOK_SIZE + 32,                   /* 32 */
  ATL_ART_TOK_COLOUR  = ATL_ART_TOK_SHAPE + 32,                  /* 6 slots × 5 lights */
  ATL_ART_TOK_ALPHA   = ATL_ART_TOK_COLOUR + 30,                 /* 8 */
  ATL_ART_TOK_STROKE  = ATL_ART_TOK_ALPHA + ATL_ART_N_ALPHA,     /* 8 */
  ATL_ART_VOCAB_SIZE  = ATL_ART_TOK_STROKE + ATL_ART_N_STROKE,   /* V = 261 */
};

/* The codec (a static singleton; safe to share between threads). */
const AtlCodec *atl_art_codec  (void);

/* tokens[0 … *len−1] ← BOS, prefix, elements, EOS. capacity ≥ ATL_ART_MAX_LEN suffices.
 * Fails (naming the field) on an artwork that atl_artwork_check rejects. */
AtlStatus       atl_art_encode (const AtlArtwork *art,
                                int              *tokens,
                                int               capacity,
                                int              *len,
                                AtlMsg           *msg);
/* art ← the artwork of a complete, valid sequence (validated first). */
AtlStatus       atl_art_decode (const int        *tokens,
                                int               len,
                                AtlArtwork       *art,
                                AtlMsg           *msg);
/* out[0 … 4] ← BOS and the prefix tokens of a style: the prompt the sampler continues. */
AtlStatus       atl_art_prompt (int               palette,
                                int               bg_slot,
                                int               bg_light,
                                int               complexity,
                                AtlArtFamily      family,
                                int              *out,
                                AtlMsg           *msg);
