/* tuner-fixture.c: small random policies over the music codec, a known reward and the
 * codec's grammar, shared by the tuner's tests (see tuner-fixture.h). */
#include "tuner-fixture.h"

#include <string.h>

/* Memcheck (meson test --setup valgrind sets ATL_TEST_VALGRIND) runs the engine about 80×
 * slower: the 13 s this test takes natively would become 17 min. Under it the tests run a
 * smaller version of the same checks — 2 prompts × 2 samples a step instead of 4 × 4, a
 * smaller diversity probe, half the DPO pairs and best-of-n groups — through the same
 * sampling, forward, backward and update code, sized so that each assertion still holds
 * with a margin (checked by running the test natively with ATL_TEST_VALGRIND=1). */
gboolean
under_valgrind (void)
{
  return g_getenv ("ATL_TEST_VALGRIND") != NULL;
}

void
grammar_cb (void          *user,
            int            b,
            const int     *tokens,
            int            len,
            unsigned char *allowed)
{
  const AtlCodec *codec = user;

  codec->allowed (codec, tokens, len, allowed);
}

/* The known taste: the share of notes above the tonic, in units of its base spread. */
float
above_tonic (const int *row,
             int        len)
{
  int notes = 0, above = 0;

  for (int i = 0; i < len; i++)
    if (row[i] >= ATL_MUSIC_TOK_NOTE)
      {
        notes++;
        above += row[i] - ATL_MUSIC_TOK_NOTE + ATL_MUSIC_PITCH_MIN > 0;
      }
  return notes ? (float) above / notes : 0.0f;
}

AtlStatus
reward_cb (void        *user,
           int          B,
           const int   *tokens,
           int          stride,
           const int   *lens,
           const float *embed,
           float       *out,
           AtlMsg      *msg)
{
  int *calls = user;

  for (int b = 0; b < B; b++)
    out[b] = 8.0f * above_tonic (tokens + (size_t) b * stride, lens[b]);
  (*calls)++;
  return ATL_OK;
}

AtlStatus
features_cb (void        *user,
             int          B,
             const int   *tokens,
             int          stride,
             const int   *lens,
             float       *out,
             AtlMsg      *msg)
{
  const AtlCodec *codec = atl_music_codec ();

  for (int b = 0; b < B; b++)
    {
      AtlStatus s = codec->features (codec, tokens + (size_t) b * stride, lens[b],
                                     out + (size_t) b * codec->n_features, msg);
      if (s != ATL_OK)
        return s;
    }
  return ATL_OK;
}

AtlPolicy *
small_policy (guint64 seed)
{
  AtlPolicyConfig config = {
    .vocab = ATL_MUSIC_VOCAB, .ctx = L, .d_model = 32, .n_layer = 2, .n_head = 2,
  };
  AtlPolicy *policy = NULL;
  AtlRng rng;
  AtlMsg msg;

  g_assert_cmpint (atl_policy_new (&config, &policy, &msg), ==, ATL_OK);
  atl_rng_seed (&rng, seed);
  atl_policy_init_weights (policy, &rng);
  return policy;
}

AtlPolicy *
copy_policy (AtlPolicy *src)
{
  AtlPolicy *dst = NULL;
  AtlMsg msg;

  g_assert_cmpint (atl_policy_new (atl_policy_get_config (src), &dst, &msg), ==, ATL_OK);
  memcpy (atl_policy_get_params (dst), atl_policy_get_params (src),
          atl_policy_get_n_params (src) * sizeof (float));
  return dst;
}

void
assert_same_params (AtlPolicy *a,
                    AtlPolicy *b)
{
  g_assert_cmpuint (atl_policy_get_n_params (a), ==, atl_policy_get_n_params (b));
  g_assert_true (memcmp (atl_policy_get_params (a), atl_policy_get_params (b),
                         atl_policy_get_n_params (a) * sizeof (float)) == 0);
}

void
config_for_tests (AtlTunerConfig *config)
{
  atl_tuner_config_init (config, L);
  config->grammar = grammar_cb;
  config->grammar_user = (void *) atl_music_codec ();
  if (under_valgrind ())
    {
      config->n_prompts = 2;
      config->k = 2;
      config->n_probe = 8;
    }
}
