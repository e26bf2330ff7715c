/* test-art-codec.c: the art codec, the procedural corpus and the feature extractor.
 *
 * The grammar is checked by random walks (every masked walk must validate, decode and
 * re-encode to itself), by exact round trips over thousands of corpus samples, and by
 * hand-made broken sequences. The corpus must be fast, varied and valid; the features
 * finite, in their documented ranges, and telling enough that a nearest-centroid
 * classifier recovers the family from them.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "atl-art-codec.h"
#include "atl-art-corpus.h"
#include "atl-art-features.h"
#include "atl-palettes.h"

#define MAX_LEN ATL_ART_MAX_LEN

static void
test_interface (void)
{
  const AtlCodec *codec = atl_art_codec ();
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpstr (codec->name, ==, "art");
  g_assert_cmpint (codec->vocab_size, ==, ATL_ART_VOCAB_SIZE);
  g_assert_cmpint (codec->max_len, ==, 390);
  g_assert_cmpint (codec->prefix_len, ==, 4);
  g_assert_cmpint (codec->n_features, ==, ATL_ART_N_FEATURES);
  g_assert_cmpint (ATL_N_PALETTES, ==, 30);   /* the palette range in the token table */
  for (int t = 0; t < codec->vocab_size; t++)
    {
      const char *name = codec->token_name (codec, t);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, (gpointer) name);
    }
  g_assert_cmpstr (codec->token_name (codec, ATL_ART_TOK_KIND + ATL_ART_DOTS), ==, "kind:dots");
  g_assert_cmpstr (codec->token_name (codec, -1), ==, "?");
  for (int f = 0; f < codec->n_features; f++)
    g_assert_cmpstr (codec->feature_name (codec, f), !=, "?");
}

/* One grammar-masked random walk; bias > 0 favours continuing over EOS. */
static int
random_walk (AtlRng *rng, int *tokens, double eos_p)
{
  const AtlCodec *codec = atl_art_codec ();
  unsigned char allowed[ATL_ART_VOCAB_SIZE];
  int len = 1, choices[ATL_ART_VOCAB_SIZE];

  tokens[0] = ATL_TOKEN_BOS;
  while (len < MAX_LEN)
    {
      int n = 0;

      codec->allowed (codec, tokens, len, allowed);
      for (int t = 0; t < codec->vocab_size; t++)
        if (allowed[t])
          choices[n++] = t;
      g_assert_cmpint (n, >, 0);
      if (allowed[ATL_TOKEN_EOS] && atl_rng_uniform (rng) < eos_p)
        tokens[len++] = ATL_TOKEN_EOS;
      else
        tokens[len++] = choices[atl_rng_below (rng, (uint32_t) n)];
      if (tokens[len - 1] == ATL_TOKEN_EOS)
        break;
    }
  /* After EOS only PAD may follow. */
  codec->allowed (codec, tokens, len, allowed);
  g_assert_true (allowed[ATL_TOKEN_PAD]);
  for (int t = 1; t < codec->vocab_size; t++)
    g_assert_false (allowed[t]);
  return len;
}

static void
test_random_walks (void)
{
  const AtlCodec *codec = atl_art_codec ();
  AtlRng rng;
  int tokens[MAX_LEN], again[MAX_LEN];

  atl_rng_seed (&rng, 7);
  for (int walk = 0; walk < 3000; walk++)
    {
      AtlMsg msg = { { 0 } };
      AtlArtwork art;
      int len = random_walk (&rng, tokens, walk % 3 == 0 ? 0.02 : 0.3), len2 = 0;
      float features[ATL_ART_N_FEATURES];

      g_assert_cmpint (tokens[len - 1], ==, ATL_TOKEN_EOS);
      g_assert_cmpint (codec->validate (codec, tokens, len, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_art_decode (tokens, len, &art, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_art_encode (&art, again, MAX_LEN, &len2, &msg), ==, ATL_OK);
      g_assert_cmpint (len2, ==, len);
      g_assert_cmpmem (again, len * sizeof (int), tokens, len * sizeof (int));
      if (walk % 20 == 0)
        {
          g_assert_cmpint (codec->features (codec, tokens, len, features, &msg), ==, ATL_OK);
          for (int f = 0; f < ATL_ART_N_FEATURES; f++)
            g_assert_true (isfinite (features[f]));
        }
    }
}

static void
test_corpus_round_trip (void)
{
  AtlRng rng;
  int tokens[MAX_LEN];
  int longest[ATL_ART_N_FAMILIES] = { 0 };

  atl_rng_seed (&rng, 11);
  for (int i = 0; i < 9000; i++)
    {
      AtlArtwork art, back;
      AtlMsg msg = { { 0 } };
      int len = 0;
      AtlArtFamily family = i % ATL_ART_N_FAMILIES;

      atl_art_corpus_sample (&rng, family, &art);
      g_assert_cmpint (art.family, ==, family);
      g_assert_cmpint (atl_artwork_check (&art, &msg), ==, ATL_OK);
      g_assert_cmpint (atl_art_encode (&art, tokens, MAX_LEN, &len, &msg), ==, ATL_OK);
      g_assert_cmpint (len, <=, atl_art_codec ()->max_len);
      longest[family] = MAX (longest[family], len);
      g_assert_cmpint (atl_art_decode (tokens, len, &back, &msg), ==, ATL_OK);
      g_assert_cmpmem (&back, sizeof back, &art, sizeof art);
    }
  for (int f = 0; f < ATL_ART_N_FAMILIES; f++)
    g_test_message ("%s: longest sequence %d tokens", atl_art_family_name (f), longest[f]);
}

/* Hand-broken sequences, each with the reason it must fail. */
static void
test_invalid (void)
{
  const AtlCodec *codec = atl_art_codec ();
  AtlArtwork art;
  AtlRng rng;
  int good[MAX_LEN], bad[MAX_LEN + 8], len = 0;
  AtlMsg msg = { { 0 } };

  atl_rng_seed (&rng, 3);
  atl_art_corpus_sample_in (&rng, ATL_ART_MEMPHIS, 0 /* Bauhaus: 5 colours */, &art);
  g_assert_cmpint (atl_art_encode (&art, good, MAX_LEN, &len, &msg), ==, ATL_OK);
  g_assert_cmpint (codec->validate (codec, good, len, NULL), ==, ATL_OK);

  struct { int pos; int token; const char *why; } cases[] = {
    { 0, ATL_ART_TOK_FAMILY, "no BOS" },
    { 1, ATL_ART_TOK_PALETTE, "palette where the family goes" },
    { 2, ATL_ART_TOK_BG, "background where the palette goes" },
    { 3, ATL_ART_TOK_BG + 5 * ATL_ART_N_LIGHT, "background slot 5 of a 5-colour palette" },
    { 5, ATL_ART_TOK_X, "x where the kind goes" },
    { 10, ATL_ART_TOK_COLOUR + 5 * ATL_ART_N_LIGHT, "colour slot 5 of a 5-colour palette" },
    { 6, ATL_ART_VOCAB_SIZE, "a token outside the vocabulary" },
    { 7, -1, "a negative token" },
    { 5, ATL_TOKEN_EOS, "EOS before any element" },
    { 12, ATL_TOKEN_PAD, "PAD in the body" },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      memcpy (bad, good, len * sizeof (int));
      bad[cases[c].pos] = cases[c].token;
      g_test_message ("case: %s", cases[c].why);
      g_assert_cmpint (codec->validate (codec, bad, len, &msg), !=, ATL_OK);
      g_assert_cmpint (atl_art_decode (bad, len, &art, &msg), !=, ATL_OK);
    }

  /* A circle with a rotation, an unstroked line. */
  memcpy (bad, good, len * sizeof (int));
  bad[5] = ATL_ART_TOK_KIND + ATL_ART_CIRCLE;
  bad[9] = ATL_ART_TOK_SHAPE + 3;
  g_assert_cmpint (codec->validate (codec, bad, len, NULL), !=, ATL_OK);
  bad[5] = ATL_ART_TOK_KIND + ATL_ART_LINE;
  bad[12] = ATL_ART_TOK_STROKE;
  g_assert_cmpint (codec->validate (codec, bad, len, NULL), !=, ATL_OK);

  /* Missing EOS; tokens after EOS; truncated mid-element; too many elements for the
   * complexity bucket; too short. */
  g_assert_cmpint (codec->validate (codec, good, len - 1, NULL), !=, ATL_OK);
  memcpy (bad, good, len * sizeof (int));
  bad[len] = ATL_ART_TOK_KIND;
  g_assert_cmpint (codec->validate (codec, bad, len + 1, NULL), !=, ATL_OK);
  memcpy (bad, good, len * sizeof (int));
  bad[len - 4] = ATL_TOKEN_EOS;
  g_assert_cmpint (codec->validate (codec, bad, len - 3, NULL), !=, ATL_OK);
  memcpy (bad, good, len * sizeof (int));
  bad[4] = ATL_ART_TOK_CPLX + 0;   /* at most 4 elements */
  if (art.n_elements > 4)
    g_assert_cmpint (codec->validate (codec, bad, len, NULL), !=, ATL_OK);
  g_assert_cmpint (codec->validate (codec, good, 3, NULL), !=, ATL_OK);
  g_assert_cmpint (codec->validate (codec, NULL, 0, NULL), !=, ATL_OK);

  /* Encoding refuses an invalid artwork and a short buffer. */
  art.elements[0].slot = 5;
  g_assert_cmpint (atl_art_encode (&art, bad, MAX_LEN, &len, &msg), ==, ATL_ERR_RANGE);
  art.elements[0].slot = 0;
  g_assert_cmpint (atl_art_encode (&art, bad, 10, &len, &msg), ==, ATL_ERR_RANGE);
}

static void
test_prompt_and_complexity (void)
{
  const AtlCodec *codec = atl_art_codec ();
  unsigned char allowed[ATL_ART_VOCAB_SIZE];
  int tokens[MAX_LEN];
  AtlRng rng;

  g_assert_cmpint (atl_art_prompt (6, 0, 3, 2, ATL_ART_ORGANIC, tokens, NULL), ==, ATL_OK);
  g_assert_cmpint (atl_art_prompt (30, 0, 3, 2, ATL_ART_ORGANIC, tokens, NULL), !=, ATL_OK);
  g_assert_cmpint (atl_art_prompt (0, 5, 3, 2, ATL_ART_ORGANIC, tokens, NULL), !=, ATL_OK);
  /* The complexity bucket binds the element count: walk with maximal EOS appetite and
   * with none, and land on the bucket's bounds. */
  atl_rng_seed (&rng, 5);
  for (int b = 0; b < ATL_ART_N_COMPLEXITY; b++)
    for (int greedy = 0; greedy < 2; greedy++)
      {
        int len = 5;

        atl_art_prompt (1, 0, 2, b, ATL_ART_MEMPHIS, tokens, NULL);
        for (;;)
          {
            int n = 0, pick[ATL_ART_VOCAB_SIZE];

            codec->allowed (codec, tokens, len, allowed);
            if (allowed[ATL_TOKEN_EOS] && (greedy || !allowed[ATL_ART_TOK_KIND]))
              {
                tokens[len++] = ATL_TOKEN_EOS;
                break;
              }
            for (int t = 3; t < ATL_ART_VOCAB_SIZE; t++)
              if (allowed[t])
                pick[n++] = t;
            tokens[len++] = pick[atl_rng_below (&rng, (uint32_t) n)];
          }
        g_assert_cmpint ((len - 6) / 8, ==, greedy ? ATL_ART_COMPLEXITY_MIN[b]
                                                   : ATL_ART_COMPLEXITY_MAX[b]);
        g_assert_cmpint (codec->validate (codec, tokens, len, NULL), ==, ATL_OK);
      }
}

/* FNV-1a over a token sequence. */
static guint64
hash_tokens (const int *tokens, int len)
{
  guint64 h = 1469598103934665603ULL;

  for (int i = 0; i < len; i++)
    h = (h ^ (guint64) (guint) tokens[i]) * 1099511628211ULL;
  return h;
}

static void
test_corpus_speed_and_variety (void)
{
  enum { N = 40000 };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree guint64 *hashes = g_new (guint64, N);
  int per_family[ATL_ART_N_FAMILIES] = { 0 }, per_complexity[ATL_ART_N_COMPLEXITY] = { 0 };
  int palettes[ATL_N_PALETTES] = { 0 };
  AtlRng rng;
  gint64 t0;
  double seconds;

  atl_rng_seed (&rng, 2024);
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < N; i++)
    {
      AtlArtwork art;
      int tokens[MAX_LEN], len;

      atl_art_corpus_sample_any (&rng, &art);
      atl_art_encode (&art, tokens, MAX_LEN, &len, NULL);
      hashes[i] = hash_tokens (tokens, len);
      per_family[art.family]++;
      per_complexity[art.complexity]++;
      palettes[art.palette]++;
    }
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  for (int i = 0; i < N; i++)
    g_hash_table_add (seen, &hashes[i]);
  g_test_message ("%d compositions in %.3f s (%.0f/s), %u distinct", N, seconds, N / seconds,
                  g_hash_table_size (seen));
  g_assert_cmpuint (g_hash_table_size (seen), >=, N * 99 / 100);
  /* Under valgrind (its test setup sets ATL_TEST_VALGRIND) everything runs some 30×
   * slower, and the bound would measure the tool. */
  if (g_getenv ("ATL_TEST_VALGRIND") == NULL)
    g_assert_cmpfloat (seconds, <, 5.0);
  for (int f = 0; f < ATL_ART_N_FAMILIES; f++)
    g_assert_cmpint (per_family[f], >, N / ATL_ART_N_FAMILIES / 2);
  for (int b = 0; b < ATL_ART_N_COMPLEXITY; b++)
    {
      g_test_message ("complexity %d: %d samples", b, per_complexity[b]);
      g_assert_cmpint (per_complexity[b], >, N / 100);
    }
  for (int p = 0; p < ATL_N_PALETTES; p++)
    g_assert_cmpint (palettes[p], >, 0);
}

/* Documented ranges of each feature (atl-art-features.h). */
static void
feature_range (int f, float *lo, float *hi)
{
  *lo = 0.0f, *hi = 1.0f;
  if (f == 1 || f == 2)
    *lo = -1.0f;
  else if (f == 6)
    *hi = 2.0f;
  else if (f == 30)
    *hi = 0.5f;
}

static void
test_features_range (void)
{
  AtlRng rng;

  atl_rng_seed (&rng, 99);
  for (int i = 0; i < 900; i++)
    {
      AtlArtwork art;
      float x[ATL_ART_N_FEATURES], hue = 0, kinds = 0;
      AtlMsg msg = { { 0 } };

      atl_art_corpus_sample (&rng, i % ATL_ART_N_FAMILIES, &art);
      g_assert_cmpint (atl_art_features (&art, x, &msg), ==, ATL_OK);
      for (int f = 0; f < ATL_ART_N_FEATURES; f++)
        {
          float lo, hi;

          feature_range (f, &lo, &hi);
          if (!(isfinite (x[f]) && x[f] >= lo - 1e-5f && x[f] <= hi + 1e-5f))
            g_error ("feature %s = %g outside [%g, %g]", atl_art_feature_name (f), x[f], lo,
                     hi);
        }
      for (int k = 0; k < 8; k++)
        hue += x[7 + k];
      for (int k = 0; k < ATL_ART_N_KINDS; k++)
        kinds += x[21 + k];
      g_assert_cmpfloat (hue, <=, 1.0001f);
      g_assert_cmpfloat (fabsf (kinds - 1.0f), <, 1e-4f);
      /* Not a blank canvas: something is drawn on the ground. */
      g_assert_cmpfloat (x[15], >, 0.01f);
    }
}

/* Nearest centroid on standardized features, trained and tested on separate draws. */
static void
test_features_classify_family (void)
{
  enum { TRAIN = 300, TEST = 200, F = ATL_ART_N_FEATURES, K = ATL_ART_N_FAMILIES };
  g_autofree float *train = g_new (float, K * TRAIN * F);
  double mean[F] = { 0 }, sd[F] = { 0 }, centroid[K][F];
  int correct = 0, per_family_correct[K] = { 0 };
  AtlRng rng;

  atl_rng_seed (&rng, 123);
  for (int k = 0; k < K; k++)
    for (int i = 0; i < TRAIN; i++)
      {
        AtlArtwork art;

        atl_art_corpus_sample (&rng, k, &art);
        g_assert_cmpint (atl_art_features (&art, train + (k * TRAIN + i) * F, NULL), ==, ATL_OK);
      }
  for (int n = 0; n < K * TRAIN; n++)
    for (int f = 0; f < F; f++)
      mean[f] += train[n * F + f] / (double) (K * TRAIN);
  for (int n = 0; n < K * TRAIN; n++)
    for (int f = 0; f < F; f++)
      sd[f] += pow (train[n * F + f] - mean[f], 2) / (K * TRAIN);
  for (int f = 0; f < F; f++)
    sd[f] = sqrt (sd[f]) + 1e-6;
  for (int k = 0; k < K; k++)
    for (int f = 0; f < F; f++)
      {
        centroid[k][f] = 0;
        for (int i = 0; i < TRAIN; i++)
          centroid[k][f] += (train[(k * TRAIN + i) * F + f] - mean[f]) / sd[f] / TRAIN;
      }
  for (int k = 0; k < K; k++)
    for (int i = 0; i < TEST; i++)
      {
        AtlArtwork art;
        float x[F];
        int best = 0;
        double best_d = INFINITY;

        atl_art_corpus_sample (&rng, k, &art);
        atl_art_features (&art, x, NULL);
        for (int c = 0; c < K; c++)
          {
            double d = 0;

            for (int f = 0; f < F; f++)
              d += pow ((x[f] - mean[f]) / sd[f] - centroid[c][f], 2);
            if (d < best_d)
              best_d = d, best = c;
          }
        correct += best == k;
        per_family_correct[k] += best == k;
      }
  for (int k = 0; k < K; k++)
    g_test_message ("%s: %.0f%% recovered", atl_art_family_name (k),
                    100.0 * per_family_correct[k] / TEST);
  g_test_message ("family recovered from features: %.1f%%", 100.0 * correct / (K * TEST));
  g_assert_cmpfloat ((double) correct / (K * TEST), >=, 0.80);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/art/codec/interface", test_interface);
  g_test_add_func ("/engine/art/codec/random-walks", test_random_walks);
  g_test_add_func ("/engine/art/codec/corpus-round-trip", test_corpus_round_trip);
  g_test_add_func ("/engine/art/codec/invalid", test_invalid);
  g_test_add_func ("/engine/art/codec/prompt-and-complexity", test_prompt_and_complexity);
  g_test_add_func ("/engine/art/corpus/speed-and-variety", test_corpus_speed_and_variety);
  g_test_add_func ("/engine/art/features/range", test_features_range);
  g_test_add_func ("/engine/art/features/classify-family", test_features_classify_family);
  return g_test_run ();
}
