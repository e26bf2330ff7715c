/* atl-art-codec.c: the art codec's vocabulary, grammar, encoder and decoder.
 *
 * The grammar is one function, next_range: at every position the allowed tokens are one
 * contiguous id range, plus EOS at element boundaries (or only PAD after EOS). allowed,
 * validate and decode all go through it, so they cannot disagree.
 */
#include "atl-art-codec.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "atl-art-features.h"
#include "atl-palettes.h"

typedef struct
{
  int lo, hi;      /* allowed ids [lo, hi) */
  int eos;         /* EOS allowed as well */
  int pad_only;    /* after EOS: only PAD */
} Range;

static int
clampi (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* The palette's colour count and the complexity bucket as far as the prefix says; lenient
 * about malformed prefixes so `allowed` always returns something. */
static void
read_prefix (const int *tokens, int len, int *n_colours, int *complexity)
{
  int p = len > 2 ? tokens[2] - ATL_ART_TOK_PALETTE : 0;
  int c = len > 4 ? tokens[4] - ATL_ART_TOK_CPLX : ATL_ART_N_COMPLEXITY - 1;

  *n_colours = ATL_PALETTES[clampi (p, 0, ATL_N_PALETTES - 1)].n_colours;
  *complexity = clampi (c, 0, ATL_ART_N_COMPLEXITY - 1);
}

static Range
next_range (const int *tokens, int len)
{
  Range r = { 0, 0, 0, 0 };
  int n_colours, complexity;

  for (int i = 1; i < len; i++)
    if (tokens[i] == ATL_TOKEN_EOS || tokens[i] == ATL_TOKEN_PAD)
      {
        r.pad_only = 1;
        return r;
      }
  if (len <= 0)
    {
      r.lo = ATL_TOKEN_BOS, r.hi = ATL_TOKEN_BOS + 1;
      return r;
    }
  if (len >= ATL_ART_MAX_LEN)
    {
      r.pad_only = 1;
      return r;
    }
  read_prefix (tokens, len, &n_colours, &complexity);
  switch (len)
    {
    case 1: r.lo = ATL_ART_TOK_FAMILY, r.hi = r.lo + ATL_ART_N_FAMILIES; return r;
    case 2: r.lo = ATL_ART_TOK_PALETTE, r.hi = r.lo + ATL_N_PALETTES; return r;
    case 3: r.lo = ATL_ART_TOK_BG, r.hi = r.lo + n_colours * ATL_ART_N_LIGHT; return r;
    case 4: r.lo = ATL_ART_TOK_CPLX, r.hi = r.lo + ATL_ART_N_COMPLEXITY; return r;
    default: break;
    }

  int body = len - 1 - ATL_ART_PREFIX_LEN;
  int count = body / ATL_ART_TOKENS_PER_ELEMENT;      /* complete elements so far */
  int slot = body % ATL_ART_TOKENS_PER_ELEMENT;
  int kind = slot > 0 ? tokens[len - slot] - ATL_ART_TOK_KIND : 0;

  switch (slot)
    {
    case 0:
      r.eos = count >= ATL_ART_COMPLEXITY_MIN[complexity];
      if (count < ATL_ART_COMPLEXITY_MAX[complexity])
        r.lo = ATL_ART_TOK_KIND, r.hi = r.lo + ATL_ART_N_KINDS;
      break;
    case 1: r.lo = ATL_ART_TOK_X, r.hi = r.lo + ATL_ART_GRID; break;
    case 2: r.lo = ATL_ART_TOK_Y, r.hi = r.lo + ATL_ART_GRID; break;
    case 3: r.lo = ATL_ART_TOK_SIZE, r.hi = r.lo + 32; break;
    case 4:
      r.lo = ATL_ART_TOK_SHAPE;
      r.hi = r.lo + (kind == ATL_ART_CIRCLE ? 1 : 32);
      break;
    case 5: r.lo = ATL_ART_TOK_COLOUR, r.hi = r.lo + n_colours * ATL_ART_N_LIGHT; break;
    case 6: r.lo = ATL_ART_TOK_ALPHA, r.hi = r.lo + ATL_ART_N_ALPHA; break;
    default:
      r.lo = ATL_ART_TOK_STROKE, r.hi = r.lo + ATL_ART_N_STROKE;
      if (kind == ATL_ART_LINE || kind == ATL_ART_QUAD || kind == ATL_ART_CUBIC)
        r.lo++;
      break;
    }
  return r;
}

static void
art_allowed (const AtlCodec *codec, const int *tokens, int len, unsigned char *allowed)
{
  Range r = next_range (tokens, len);

  memset (allowed, 0, ATL_ART_VOCAB_SIZE);
  if (r.pad_only)
    {
      allowed[ATL_TOKEN_PAD] = 1;
      return;
    }
  for (int t = r.lo; t < r.hi; t++)
    allowed[t] = 1;
  if (r.eos)
    allowed[ATL_TOKEN_EOS] = 1;
}

static AtlStatus
art_validate (const AtlCodec *codec, const int *tokens, int len, AtlMsg *msg)
{
  if (tokens == NULL || len < 2 + ATL_ART_PREFIX_LEN)
    return atl_fail (msg, ATL_ERR_INVALID, "art sequence too short (%d tokens)", len);
  if (len > ATL_ART_MAX_LEN)
    return atl_fail (msg, ATL_ERR_RANGE, "art sequence of %d tokens exceeds %d", len,
                     ATL_ART_MAX_LEN);
  if (tokens[0] != ATL_TOKEN_BOS)
    return atl_fail (msg, ATL_ERR_INVALID, "art sequence does not start with BOS");
  for (int i = 1; i < len; i++)
    {
      Range r = next_range (tokens, i);
      int t = tokens[i];

      if (r.pad_only || !((t >= r.lo && t < r.hi) || (r.eos && t == ATL_TOKEN_EOS)))
        return atl_fail (msg, ATL_ERR_INVALID, "art token %d at position %d is not allowed",
                         t, i);
    }
  if (tokens[len - 1] != ATL_TOKEN_EOS)
    return atl_fail (msg, ATL_ERR_INVALID, "art sequence does not end with EOS");
  return ATL_OK;
}

AtlStatus
atl_art_decode (const int *tokens, int len, AtlArtwork *art, AtlMsg *msg)
{
  AtlStatus status = art_validate (NULL, tokens, len, msg);

  if (status != ATL_OK)
    return status;
  memset (art, 0, sizeof *art);
  art->family = tokens[1] - ATL_ART_TOK_FAMILY;
  art->palette = tokens[2] - ATL_ART_TOK_PALETTE;
  art->bg_slot = (tokens[3] - ATL_ART_TOK_BG) / ATL_ART_N_LIGHT;
  art->bg_light = (tokens[3] - ATL_ART_TOK_BG) % ATL_ART_N_LIGHT;
  art->complexity = tokens[4] - ATL_ART_TOK_CPLX;
  art->n_elements = (len - 2 - ATL_ART_PREFIX_LEN) / ATL_ART_TOKENS_PER_ELEMENT;
  for (int i = 0; i < art->n_elements; i++)
    {
      const int *g = tokens + 1 + ATL_ART_PREFIX_LEN + i * ATL_ART_TOKENS_PER_ELEMENT;
      AtlArtElement *e = &art->elements[i];

      e->kind = g[0] - ATL_ART_TOK_KIND;
      e->x = g[1] - ATL_ART_TOK_X;
      e->y = g[2] - ATL_ART_TOK_Y;
      e->size = g[3] - ATL_ART_TOK_SIZE;
      e->shape = g[4] - ATL_ART_TOK_SHAPE;
      e->slot = (g[5] - ATL_ART_TOK_COLOUR) / ATL_ART_N_LIGHT;
      e->light = (g[5] - ATL_ART_TOK_COLOUR) % ATL_ART_N_LIGHT;
      e->alpha = g[6] - ATL_ART_TOK_ALPHA;
      e->stroke = g[7] - ATL_ART_TOK_STROKE;
    }
  return ATL_OK;
}

AtlStatus
atl_art_encode (const AtlArtwork *art, int *tokens, int capacity, int *len, AtlMsg *msg)
{
  AtlStatus status = atl_artwork_check (art, msg);
  int n = 0;

  if (status != ATL_OK)
    return status;
  if (capacity < 2 + ATL_ART_PREFIX_LEN + art->n_elements * ATL_ART_TOKENS_PER_ELEMENT)
    return atl_fail (msg, ATL_ERR_RANGE, "token buffer of %d is too small", capacity);
  tokens[n++] = ATL_TOKEN_BOS;
  tokens[n++] = ATL_ART_TOK_FAMILY + art->family;
  tokens[n++] = ATL_ART_TOK_PALETTE + art->palette;
  tokens[n++] = ATL_ART_TOK_BG + art->bg_slot * ATL_ART_N_LIGHT + art->bg_light;
  tokens[n++] = ATL_ART_TOK_CPLX + art->complexity;
  for (int i = 0; i < art->n_elements; i++)
    {
      const AtlArtElement *e = &art->elements[i];

      tokens[n++] = ATL_ART_TOK_KIND + e->kind;
      tokens[n++] = ATL_ART_TOK_X + e->x;
      tokens[n++] = ATL_ART_TOK_Y + e->y;
      tokens[n++] = ATL_ART_TOK_SIZE + e->size;
      tokens[n++] = ATL_ART_TOK_SHAPE + e->shape;
      tokens[n++] = ATL_ART_TOK_COLOUR + e->slot * ATL_ART_N_LIGHT + e->light;
      tokens[n++] = ATL_ART_TOK_ALPHA + e->alpha;
      tokens[n++] = ATL_ART_TOK_STROKE + e->stroke;
    }
  tokens[n++] = ATL_TOKEN_EOS;
  *len = n;
  return ATL_OK;
}

AtlStatus
atl_art_prompt (int palette, int bg_slot, int bg_light, int complexity, AtlArtFamily family,
                int *out, AtlMsg *msg)
{
  if (palette < 0 || palette >= ATL_N_PALETTES)
    return atl_fail (msg, ATL_ERR_RANGE, "palette %d out of range", palette);
  if (bg_slot < 0 || bg_slot >= ATL_PALETTES[palette].n_colours || bg_light < 0
      || bg_light >= ATL_ART_N_LIGHT)
    return atl_fail (msg, ATL_ERR_RANGE, "background (%d, %d) out of range", bg_slot,
                     bg_light);
  if (complexity < 0 || complexity >= ATL_ART_N_COMPLEXITY
      || (unsigned) family >= ATL_ART_N_FAMILIES)
    return atl_fail (msg, ATL_ERR_RANGE, "complexity %d or family %d out of range",
                     complexity, family);
  out[0] = ATL_TOKEN_BOS;
  out[1] = ATL_ART_TOK_FAMILY + family;
  out[2] = ATL_ART_TOK_PALETTE + palette;
  out[3] = ATL_ART_TOK_BG + bg_slot * ATL_ART_N_LIGHT + bg_light;
  out[4] = ATL_ART_TOK_CPLX + complexity;
  return ATL_OK;
}

/* Token names, built once: "pal:bauhaus", "bg:0/+1", "x:12", "colour:3/-2" … */
static char token_names[ATL_ART_VOCAB_SIZE][32];
static pthread_once_t token_names_once = PTHREAD_ONCE_INIT;

static void
build_token_names (void)
{
  static const char *slot_names[] = { "kind", "x", "y", "size", "shape", "colour", "alpha",
                                      "stroke" };
  static const int slot_starts[] = { ATL_ART_TOK_KIND, ATL_ART_TOK_X, ATL_ART_TOK_Y,
                                     ATL_ART_TOK_SIZE, ATL_ART_TOK_SHAPE, ATL_ART_TOK_COLOUR,
                                     ATL_ART_TOK_ALPHA, ATL_ART_TOK_STROKE,
                                     ATL_ART_VOCAB_SIZE };

  snprintf (token_names[0], 32, "PAD");
  snprintf (token_names[1], 32, "BOS");
  snprintf (token_names[2], 32, "EOS");
  for (int p = 0; p < ATL_N_PALETTES; p++)
    snprintf (token_names[ATL_ART_TOK_PALETTE + p], 32, "pal:%.24s", ATL_PALETTES[p].id);
  for (int v = 0; v < 30; v++)
    snprintf (token_names[ATL_ART_TOK_BG + v], 32, "bg:%d/%+d", v / 5, v % 5 - 2);
  for (int c = 0; c < ATL_ART_N_COMPLEXITY; c++)
    snprintf (token_names[ATL_ART_TOK_CPLX + c], 32, "complexity:%d", c);
  for (int f = 0; f < ATL_ART_N_FAMILIES; f++)
    snprintf (token_names[ATL_ART_TOK_FAMILY + f], 32, "family:%s", atl_art_family_name (f));
  for (int s = 0; s < 8; s++)
    for (int t = slot_starts[s]; t < slot_starts[s + 1]; t++)
      {
        int v = t - slot_starts[s];

        if (s == 0)
          snprintf (token_names[t], 32, "kind:%s", atl_art_kind_name (v));
        else if (s == 5)
          snprintf (token_names[t], 32, "colour:%d/%+d", v / 5, v % 5 - 2);
        else
          snprintf (token_names[t], 32, "%s:%d", slot_names[s], v);
      }
}

static const char *
art_token_name (const AtlCodec *codec, int token)
{
  if (token < 0 || token >= ATL_ART_VOCAB_SIZE)
    return "?";
  pthread_once (&token_names_once, build_token_names);
  return token_names[token];
}

static AtlStatus
art_features (const AtlCodec *codec, const int *tokens, int len, float *out, AtlMsg *msg)
{
  AtlArtwork art;
  AtlStatus status = atl_art_decode (tokens, len, &art, msg);

  if (status != ATL_OK)
    return status;
  return atl_art_features (&art, out, msg);
}

static const char *
art_feature_name (const AtlCodec *codec, int feature)
{
  return atl_art_feature_name (feature);
}

static const AtlCodec art_codec = {
  .name = "art",
  .version = ATL_ART_CODEC_VERSION,
  .vocab_size = ATL_ART_VOCAB_SIZE,
  .max_len = ATL_ART_MAX_LEN,
  .prefix_len = ATL_ART_PREFIX_LEN,
  .n_features = ATL_ART_N_FEATURES,
  .token_name = art_token_name,
  .allowed = art_allowed,
  .validate = art_validate,
  .features = art_features,
  .feature_name = art_feature_name,
  .priv = NULL,
};

const AtlCodec *
atl_art_codec (void)
{
  return &art_codec;
}
