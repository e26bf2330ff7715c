/* fuzz-music-codec.c: libFuzzer target for the music codec's validate, decode, features
 * and grammar mask (token sequences as a damaged store or checkpoint could hold them). */
#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "atl-music-codec.h"
#include "fuzz-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const AtlCodec *codec = atl_music_codec ();
  int tokens[2 * ATL_MUSIC_MAX_LEN];
  int len = atl_fuzz_tokens (codec, data, size, tokens, G_N_ELEMENTS (tokens));
  AtlMsg msg = { 0 };
  AtlMelody melody;
  AtlMusicPrefix prefix;
  g_autofree float *features = g_new0 (float, codec->n_features);

  atl_fuzz_check_grammar (codec, tokens, len);
  if (codec->validate (codec, tokens, len, &msg) != ATL_OK)
    {
      g_assert (msg.text[0] != '\0');
      g_assert (atl_music_decode (tokens, len, &melody, &prefix, &msg) != ATL_OK);
      return 0;
    }
  g_assert_cmpint (atl_music_decode (tokens, len, &melody, &prefix, &msg), ==, ATL_OK);
  g_assert_cmpint (codec->features (codec, tokens, len, features, &msg), ==, ATL_OK);
  for (int f = 0; f < codec->n_features; f++)
    g_assert (isfinite (features[f]));

  /* A decoded melody encodes back to the same tokens up to EOS: validate accepts PAD
   * after EOS (rows of a batch are padded), which encode does not write back. validate
   * also promises an EOS, so the loop stops there. */
  {
    int again[ATL_MUSIC_MAX_LEN];
    int again_len = 0;
    int unpadded = len;

    while (tokens[unpadded - 1] == ATL_TOKEN_PAD)
      unpadded--;
    g_assert_cmpint (atl_music_encode (&melody, &prefix, again, ATL_MUSIC_MAX_LEN, &again_len,
                                       &msg), ==, ATL_OK);
    g_assert_cmpint (again_len, ==, unpadded);
    for (int i = 0; i < unpadded; i++)
      g_assert_cmpint (again[i], ==, tokens[i]);
  }
  return 0;
}
