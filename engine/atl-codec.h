/* atl-codec.h: what a domain gives the shared engine.
 *
 * A domain (art, music) is a codec: a vocabulary, a grammar of valid token sequences, and
 * a feature extractor over decoded works. The policy, sampler, reward model and tuner see
 * only this interface, so they are written once and serve both domains.
 *
 * Every sequence is  BOS, prefix tokens (the style: what the sliders set), body, EOS,
 * with PAD after EOS in a batch. Token ids 0, 1, 2 are PAD, BOS, EOS in every codec.
 *
 * The grammar is a pure function of the tokens so far: `allowed` fills a V-byte mask of
 * the tokens that may come next (at least one is always allowed; after EOS only PAD).
 * Sampling with it makes every sample decode to a valid work.
 */
#pragma once

#include <stddef.h>

#include "atl-status.h"

enum
{
  ATL_TOKEN_PAD = 0,
  ATL_TOKEN_BOS = 1,
  ATL_TOKEN_EOS = 2,
};

typedef struct _AtlCodec AtlCodec;

struct _AtlCodec
{
  const char *name;            /* "music", "art": also the checkpoint's domain */
  int         version;         /* bumped whenever token ids or their meaning change */
  int         vocab_size;      /* V */
  int         max_len;         /* longest valid sequence, BOS and EOS included */
  int         prefix_len;      /* tokens after BOS that form the prefix (the style) */
  int         n_features;      /* F, length of a feature vector */

  /* The token's printable name ("NOTE+7", "BAR", "metre:6/8"); never NULL. */
  const char *(*token_name)    (const AtlCodec *codec,
                                int             token);
  /* allowed (V) ← 1 for each token that may follow tokens[0 … len−1], else 0.
   * tokens[0] is BOS. */
  void        (*allowed)       (const AtlCodec *codec,
                                const int      *tokens,
                                int             len,
                                unsigned char  *allowed);
  /* A complete sequence (BOS … EOS) that the grammar accepts? On failure msg says where. */
  AtlStatus   (*validate)      (const AtlCodec *codec,
                                const int      *tokens,
                                int             len,
                                AtlMsg         *msg);
  /* The feature vector (F) of a valid sequence, and the features' names. */
  AtlStatus   (*features)      (const AtlCodec *codec,
                                const int      *tokens,
                                int             len,
                                float          *out,
                                AtlMsg         *msg);
  const char *(*feature_name)  (const AtlCodec *codec,
                                int             feature);

  void       *priv;            /* the domain's own tables */
};
