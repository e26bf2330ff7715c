/* test-music-codec.c: the music codec's grammar, encode/decode and features.
 *
 * The corpus half of the grammar check (every encoded Nottingham window validates) is in
 * tests/app/test-abc-reader.c, which can read the corpus; here are hand-made and random
 * melodies, broken sequences, random walks through `allowed`, and the features' ranges.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-music-codec.h"
#include "atl-music-features.h"
#include "atl-rng.h"

static void
test_layout (void)
{
  const AtlCodec *codec = atl_music_codec ();
  AtlMelody m = { .metre = ATL_METRE_12_8, .mode = ATL_MODE_MAJOR, .n_bars = 8 };
  AtlMusicPrefix prefix;
  int tokens[ATL_MUSIC_MAX_LEN], len = 0;

  g_assert_cmpint (codec->vocab_size, ==, 67);
  g_assert_cmpint (codec->prefix_len, ==, 5);
  g_assert_cmpint (ATL_MUSIC_TOK_BAR, ==, 27);
  g_assert_cmpint (ATL_MUSIC_TOK_NOTE, ==, 30);
  g_assert_cmpstr (codec->token_name (codec, ATL_MUSIC_TOK_NOTE), ==, "NOTE-12");
  g_assert_cmpstr (codec->token_name (codec, ATL_MUSIC_TOK_NOTE + 19), ==, "NOTE+7");
  g_assert_cmpstr (codec->token_name (codec, ATL_MUSIC_TOK_METRE + ATL_METRE_6_8), ==,
                   "metre:6/8");
  g_assert_cmpstr (codec->token_name (codec, ATL_MUSIC_TOK_TYPE + ATL_TUNE_TYPE_SLIP_JIG), ==,
                   "type:slip-jig");
  g_assert_cmpstr (codec->token_name (codec, 999), ==, "?");

  /* The longest sequence is exactly max_len: 8 bars of 12/8, all rests. */
  atl_music_prefix_of (&m, ATL_TUNE_TYPE_JIG, &prefix);
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, NULL), ==,
                   ATL_OK);
  g_assert_cmpint (len, ==, codec->max_len);
  g_assert_cmpint (codec->validate (codec, tokens, len, NULL), ==, ATL_OK);
}

/* A melody: a C major line over two bars of 6/8 with a note tied over the bar line. */
static void
make_tune (AtlMelody *m)
{
  static const AtlNote notes[] = {
    { 0, ATL_MUSIC_VELOCITY, 0, 2 }, { 4, ATL_MUSIC_VELOCITY, 2, 2 },
    { 7, ATL_MUSIC_VELOCITY, 4, 2 }, { 12, ATL_MUSIC_VELOCITY, 6, 4 },
    { 11, ATL_MUSIC_VELOCITY, 10, 4 },   /* across the bar: steps 10 … 13 */
    { -12, ATL_MUSIC_VELOCITY, 16, 1 }, { 24, ATL_MUSIC_VELOCITY, 17, 1 },
    { 24, ATL_MUSIC_VELOCITY, 18, 2 },   /* a repeated note: NOTE again, not HOLD */
  };

  memset (m, 0, sizeof *m);
  m->metre = ATL_METRE_6_8;
  m->mode = ATL_MODE_MAJOR;
  m->n_bars = 2;
  m->n_notes = G_N_ELEMENTS (notes);
  memcpy (m->notes, notes, sizeof notes);
}

static void
assert_same_melody (const AtlMelody *a,
                    const AtlMelody *b)
{
  g_assert_cmpint (a->metre, ==, b->metre);
  g_assert_cmpint (a->mode, ==, b->mode);
  g_assert_cmpint (a->n_bars, ==, b->n_bars);
  g_assert_cmpint (a->n_notes, ==, b->n_notes);
  for (int i = 0; i < a->n_notes; i++)
    {
      g_assert_cmpint (a->notes[i].pitch, ==, b->notes[i].pitch);
      g_assert_cmpint (a->notes[i].start, ==, b->notes[i].start);
      g_assert_cmpint (a->notes[i].length, ==, b->notes[i].length);
      g_assert_cmpint (a->notes[i].velocity, ==, b->notes[i].velocity);
    }
}

static void
test_round_trip (void)
{
  const AtlCodec *codec = atl_music_codec ();
  AtlMelody m, back;
  AtlMusicPrefix prefix, prefix_back;
  int tokens[ATL_MUSIC_MAX_LEN], len = 0;

  make_tune (&m);
  atl_music_prefix_of (&m, ATL_TUNE_TYPE_JIG, &prefix);
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, NULL), ==,
                   ATL_OK);
  g_assert_cmpint (len, ==, 1 + 5 + 2 * 13 + 1);
  g_assert_cmpint (tokens[6], ==, ATL_MUSIC_TOK_BAR);
  g_assert_cmpint (tokens[7], ==, ATL_MUSIC_TOK_NOTE + 12);            /* NOTE+0 */
  g_assert_cmpint (tokens[8], ==, ATL_MUSIC_TOK_HOLD);
  g_assert_cmpint (tokens[19], ==, ATL_MUSIC_TOK_BAR);
  g_assert_cmpint (tokens[20], ==, ATL_MUSIC_TOK_HOLD);                /* the tie */
  g_assert_cmpint (tokens[22], ==, ATL_MUSIC_TOK_REST);
  g_assert_cmpint (tokens[24], ==, ATL_MUSIC_TOK_NOTE);                /* NOTE−12 */
  g_assert_cmpint (tokens[25], ==, ATL_MUSIC_TOK_NOTE + 36);           /* NOTE+24 */
  g_assert_cmpint (tokens[26], ==, ATL_MUSIC_TOK_NOTE + 36);           /* again */
  g_assert_cmpint (tokens[27], ==, ATL_MUSIC_TOK_HOLD);
  g_assert_cmpint (tokens[len - 1], ==, ATL_TOKEN_EOS);
  g_assert_cmpint (codec->validate (codec, tokens, len, NULL), ==, ATL_OK);

  g_assert_cmpint (atl_music_decode (tokens, len, &back, &prefix_back, NULL), ==, ATL_OK);
  assert_same_melody (&m, &back);
  g_assert_cmpint (memcmp (&prefix, &prefix_back, sizeof prefix), ==, 0);
}

static void
test_encode_rejects (void)
{
  AtlMelody m;
  AtlMusicPrefix prefix;
  AtlMsg msg;
  int tokens[ATL_MUSIC_MAX_LEN], len = 0;

  make_tune (&m);
  atl_music_prefix_of (&m, ATL_TUNE_TYPE_JIG, &prefix);
  m.notes[1].start = 1;   /* overlaps the first note */
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, &msg), !=,
                   ATL_OK);
  g_assert_nonnull (strstr (msg.text, "overlaps"));
  make_tune (&m);
  m.notes[0].pitch = 25;
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, &msg), ==,
                   ATL_ERR_RANGE);
  make_tune (&m);
  m.n_bars = 9;
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, NULL), ==,
                   ATL_ERR_RANGE);
  make_tune (&m);
  m.notes[7].length = 20;   /* past the last bar */
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, NULL), !=,
                   ATL_OK);
  make_tune (&m);
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, 20, &len, NULL), ==, ATL_ERR_RANGE);
}

/* Each case edits a valid encoding of make_tune at one position. */
static void
test_validate_rejects (void)
{
  static const struct { const char *name; int pos; int token; } cases[] = {
    { "no BOS", 0, ATL_MUSIC_TOK_BAR },
    { "mode in the metre slot", 1, ATL_MUSIC_TOK_MODE },
    { "metre in the mode slot", 2, ATL_MUSIC_TOK_METRE },
    { "register in the density slot", 3, ATL_MUSIC_TOK_REGISTER },
    { "type in the register slot", 4, ATL_MUSIC_TOK_TYPE },
    { "BAR in the type slot", 5, ATL_MUSIC_TOK_BAR },
    { "body opens with a note", 6, ATL_MUSIC_TOK_NOTE },
    { "melody opens with HOLD", 7, ATL_MUSIC_TOK_HOLD },
    { "BAR inside a bar", 10, ATL_MUSIC_TOK_BAR },
    { "EOS inside a bar", 10, ATL_TOKEN_EOS },
    { "PAD inside a bar", 10, ATL_TOKEN_PAD },
    { "BOS in the body", 10, ATL_TOKEN_BOS },
    { "prefix token in the body", 10, ATL_MUSIC_TOK_TYPE },
    { "token out of the vocabulary", 10, ATL_MUSIC_VOCAB },
    { "negative token", 10, -1 },
    { "HOLD after REST", 23, ATL_MUSIC_TOK_HOLD },
    { "missing BAR between bars", 19, ATL_MUSIC_TOK_NOTE },
    { "no EOS", 32, ATL_MUSIC_TOK_BAR },
  };
  const AtlCodec *codec = atl_music_codec ();
  AtlMelody m;
  AtlMusicPrefix prefix;
  int tokens[ATL_MUSIC_MAX_LEN], len = 0;

  make_tune (&m);
  atl_music_prefix_of (&m, ATL_TUNE_TYPE_JIG, &prefix);
  g_assert_cmpint (atl_music_encode (&m, &prefix, tokens, ATL_MUSIC_MAX_LEN, &len, NULL), ==,
                   ATL_OK);
  g_assert_cmpint (tokens[22], ==, ATL_MUSIC_TOK_REST);
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      int broken[ATL_MUSIC_MAX_LEN];
      AtlMsg msg = { "" };

      memcpy (broken, tokens, sizeof (int) * len);
      broken[cases[c].pos] = cases[c].token;
      g_test_message ("case %s", cases[c].name);
      g_assert_cmpint (codec->validate (codec, broken, len, &msg), !=, ATL_OK);
      g_assert_cmpstr (msg.text, !=, "");
    }
  /* A token after EOS, a truncated sequence, nine bars. */
  {
    int longer[ATL_MUSIC_MAX_LEN + 1];

    memcpy (longer, tokens, sizeof (int) * len);
    longer[len] = ATL_MUSIC_TOK_BAR;
    g_assert_cmpint (codec->validate (codec, longer, len + 1, NULL), !=, ATL_OK);
    longer[len] = ATL_TOKEN_PAD;   /* padding after EOS is fine */
    g_assert_cmpint (codec->validate (codec, longer, len + 1, NULL), ==, ATL_OK);
    g_assert_cmpint (codec->validate (codec, tokens, len - 1, NULL), !=, ATL_OK);
    g_assert_cmpint (codec->validate (codec, tokens, 0, NULL), !=, ATL_OK);
  }
  {
    int nine[1 + 5 + 9 * 9 + 1], n = 0;

    nine[n++] = ATL_TOKEN_BOS;
    nine[n++] = ATL_MUSIC_TOK_METRE + ATL_METRE_2_4;
    nine[n++] = ATL_MUSIC_TOK_MODE;
    nine[n++] = ATL_MUSIC_TOK_DENSITY;
    nine[n++] = ATL_MUSIC_TOK_REGISTER;
    nine[n++] = ATL_MUSIC_TOK_TYPE;
    for (int b = 0; b < 9; b++)
      {
        nine[n++] = ATL_MUSIC_TOK_BAR;
        for (int k = 0; k < 8; k++)
          nine[n++] = ATL_MUSIC_TOK_REST;
      }
    nine[n++] = ATL_TOKEN_EOS;
    g_assert_cmpint (codec->validate (codec, nine, n, NULL), ==, ATL_ERR_RANGE);
  }
}

static void
test_allowed_prefix (void)
{
  const AtlCodec *codec = atl_music_codec ();
  static const int firsts[] = {
    ATL_MUSIC_TOK_METRE, ATL_MUSIC_TOK_MODE, ATL_MUSIC_TOK_DENSITY, ATL_MUSIC_TOK_REGISTER,
    ATL_MUSIC_TOK_TYPE, ATL_MUSIC_TOK_BAR,
  };
  int tokens[8] = { ATL_TOKEN_BOS };
  unsigned char mask[ATL_MUSIC_VOCAB];

  for (int slot = 0; slot < 5; slot++)
    {
      codec->allowed (codec, tokens, slot + 1, mask);
      for (int t = 0; t < ATL_MUSIC_VOCAB; t++)
        g_assert_cmpint (mask[t], ==, t >= firsts[slot] && t < firsts[slot + 1]);
      tokens[slot + 1] = firsts[slot];
    }
  codec->allowed (codec, tokens, 6, mask);
  for (int t = 0; t < ATL_MUSIC_VOCAB; t++)
    g_assert_cmpint (mask[t], ==, t == ATL_MUSIC_TOK_BAR);
  codec->allowed (codec, tokens, 0, mask);
  g_assert_cmpint (mask[ATL_TOKEN_BOS], ==, 1);
  /* A broken history can only be padded. */
  tokens[2] = ATL_MUSIC_TOK_BAR;
  codec->allowed (codec, tokens, 3, mask);
  for (int t = 0; t < ATL_MUSIC_VOCAB; t++)
    g_assert_cmpint (mask[t], ==, t == ATL_TOKEN_PAD);
}

static void
assert_features_in_range (const float *f)
{
  for (int i = 0; i < ATL_MUSIC_N_FEATURES; i++)
    {
      const char *name = atl_music_feature_name (i);
      double lo = 0.0, hi = 1.0;

      g_assert_true (isfinite (f[i]));
      if (g_str_has_prefix (name, "autocorr"))
        lo = -1.0;
      else if (g_str_equal (name, "density"))
        hi = 24.0;
      else if (g_str_equal (name, "range"))
        hi = 36.0;
      else if (g_str_has_prefix (name, "contour_"))
        lo = -36.0, hi = 36.0;
      else if (g_str_equal (name, "mean_pitch"))
        lo = -12.0, hi = 24.0;
      if (f[i] < lo - 1e-5 || f[i] > hi + 1e-5)
        g_error ("feature %s = %g outside [%g, %g]", name, f[i], lo, hi);
    }
}

/* Random walks through the mask always end in a valid sequence that decodes and encodes
 * back to itself; their features are finite and in range. */
static void
test_random_walks (void)
{
  const AtlCodec *codec = atl_music_codec ();
  AtlRng rng;
  int lengths_seen[ATL_MUSIC_MAX_BARS + 1] = { 0 };

  atl_rng_seed (&rng, 20240607);
  for (int walk = 0; walk < 3000; walk++)
    {
      int tokens[ATL_MUSIC_MAX_LEN + 1], len = 1, back[ATL_MUSIC_MAX_LEN], back_len = 0;
      unsigned char mask[ATL_MUSIC_VOCAB];
      AtlMelody m;
      AtlMusicPrefix prefix;
      float f[ATL_MUSIC_N_FEATURES];

      tokens[0] = ATL_TOKEN_BOS;
      while (tokens[len - 1] != ATL_TOKEN_EOS)
        {
          int choices[ATL_MUSIC_VOCAB], n = 0;

          g_assert_cmpint (len, <, codec->max_len);
          codec->allowed (codec, tokens, len, mask);
          for (int t = 0; t < ATL_MUSIC_VOCAB; t++)
            if (mask[t])
              choices[n++] = t;
          g_assert_cmpint (n, >, 0);
          g_assert_false (mask[ATL_TOKEN_PAD]);
          /* Prefer continuing a bar with EOS rare, so walks reach every length. */
          if (mask[ATL_TOKEN_EOS] && mask[ATL_MUSIC_TOK_BAR])
            tokens[len] = atl_rng_below (&rng, 4) == 0 ? ATL_TOKEN_EOS : ATL_MUSIC_TOK_BAR;
          else if (mask[ATL_MUSIC_TOK_HOLD] && atl_rng_below (&rng, 2) == 0)
            tokens[len] = ATL_MUSIC_TOK_HOLD;
          else
            tokens[len] = choices[atl_rng_below (&rng, (uint32_t) n)];
          len++;
        }
      g_assert_cmpint (len, <=, codec->max_len);
      codec->allowed (codec, tokens, len, mask);
      g_assert_true (mask[ATL_TOKEN_PAD]);
      g_assert_cmpint (codec->validate (codec, tokens, len, NULL), ==, ATL_OK);
      g_assert_cmpint (atl_music_decode (tokens, len, &m, &prefix, NULL), ==, ATL_OK);
      lengths_seen[m.n_bars]++;
      g_assert_cmpint (atl_music_encode (&m, &prefix, back, ATL_MUSIC_MAX_LEN, &back_len, NULL),
                       ==, ATL_OK);
      g_assert_cmpint (back_len, ==, len);
      g_assert_cmpint (memcmp (back, tokens, sizeof (int) * len), ==, 0);
      g_assert_cmpint (codec->features (codec, tokens, len, f, NULL), ==, ATL_OK);
      assert_features_in_range (f);
    }
  for (int b = 1; b <= ATL_MUSIC_MAX_BARS; b++)
    g_assert_cmpint (lengths_seen[b], >, 0);
}

static void
test_features (void)
{
  const AtlCodec *codec = atl_music_codec ();
  AtlMelody m;
  float f[ATL_MUSIC_N_FEATURES];

  make_tune (&m);
  atl_music_features (&m, f);
  assert_features_in_range (f);
  g_assert_cmpfloat_with_epsilon (f[0], 1.0, 1e-6);          /* every note in C major */
  g_assert_cmpstr (atl_music_feature_name (10), ==, "starts_tonic");
  g_assert_cmpfloat_with_epsilon (f[10], 1.0, 1e-6);
  g_assert_cmpstr (atl_music_feature_name (8), ==, "unique_max");
  g_assert_cmpfloat_with_epsilon (f[8], 0.0, 1e-6);          /* 24 is played twice */
  g_assert_cmpfloat_with_epsilon (f[9], 1.0, 1e-6);          /* −12 once */
  g_assert_cmpstr (atl_music_feature_name (31), ==, "range");
  g_assert_cmpfloat_with_epsilon (f[31], 36.0, 1e-6);
  g_assert_cmpstr (atl_music_feature_name (29), ==, "density");
  g_assert_cmpfloat_with_epsilon (f[29], 4.0, 1e-6);
  g_assert_cmpstr (atl_music_feature_name (35), ==, "rest_fraction");
  g_assert_cmpfloat_with_epsilon (f[35], 6.0 / 24.0, 1e-6);
  g_assert_cmpstr (atl_music_feature_name (ATL_MUSIC_N_FEATURES), ==, "?");
  g_assert_cmpstr (codec->feature_name (codec, 0), ==, "in_key");
  g_assert_cmpstr (atl_music_feature_name (36), ==, "contour_start");
  g_assert_cmpstr (atl_music_feature_name (38), ==, "contour_end");
  /* Thirds of 8 notes: 0 4 7 | 12 11 −12 | 24 24, against the mean 70/8. */
  g_assert_cmpfloat_with_epsilon (f[36], 11.0 / 3.0 - 8.75, 1e-4);
  g_assert_cmpfloat_with_epsilon (f[37], 11.0 / 3.0 - 8.75, 1e-4);
  g_assert_cmpfloat_with_epsilon (f[38], 24.0 - 8.75, 1e-4);
  g_assert_cmpint (codec->n_features, ==, ATL_MUSIC_N_FEATURES);

  /* Five repeats of one pitch are excessive; an empty melody is all rest. */
  memset (&m, 0, sizeof m);
  m.metre = ATL_METRE_4_4;
  m.n_bars = 1;
  for (int i = 0; i < 6; i++)
    m.notes[m.n_notes++] = (AtlNote) { 7, ATL_MUSIC_VELOCITY, (int16_t) (2 * i), 2 };
  atl_music_features (&m, f);
  g_assert_cmpfloat_with_epsilon (f[1], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (f[10], 0.0, 1e-6);
  m.n_notes = 0;
  atl_music_features (&m, f);
  assert_features_in_range (f);
  g_assert_cmpfloat_with_epsilon (f[35], 1.0, 1e-6);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/music-codec/layout", test_layout);
  g_test_add_func ("/engine/music-codec/round-trip", test_round_trip);
  g_test_add_func ("/engine/music-codec/encode-rejects", test_encode_rejects);
  g_test_add_func ("/engine/music-codec/validate-rejects", test_validate_rejects);
  g_test_add_func ("/engine/music-codec/allowed-prefix", test_allowed_prefix);
  g_test_add_func ("/engine/music-codec/random-walks", test_random_walks);
  g_test_add_func ("/engine/music-codec/features", test_features);
  return g_test_run ();
}
