/* test-generator.c: works drawn in either domain's grammar, under a style, reproducible
 * from their own seed. The policy is randomly initialised: the grammar alone must make
 * every sample a valid work. */
#include <glib.h>
#include <string.h>

#include "atl-art-codec.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-generator.h"
#include "atl-music-codec.h"
#include "tiny-model.h"

static void
test_generator_valid_and_reproducible (gconstpointer data)
{
  const AtlCodec *codec = atl_domain_get_codec (GPOINTER_TO_INT (data));
  g_autoptr(AtlPolicy) policy = tiny_policy (GPOINTER_TO_INT (data), 32, 11);
  g_autoptr(AtlGenerator) gen = NULL;
  g_autoptr(AtlTokenSet) batch = atl_token_set_new ();
  g_autoptr(AtlTokenSet) alone = atl_token_set_new ();
  g_autoptr(GError) error = NULL;
  guint64 seeds[20];
  float logp[20];

  gen = atl_generator_new (policy, codec, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 20; i++)
    seeds[i] = 1000 + (guint64) i * 7919;

  /* 20 works: more than one batch of 16. */
  g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, 20, seeds, 1.0f, 1.0f, batch,
                                       logp, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (atl_token_set_get_size (batch), ==, 20);
  for (int i = 0; i < 20; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (batch, i, &len);

      g_assert_cmpint (codec->validate (codec, seq, (int) len, NULL), ==, ATL_OK);
      g_assert_cmpfloat (logp[i], <, 0.0f);
    }

  /* The 18th work drawn on its own is the same work. */
  g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, 1, &seeds[17], 1.0f, 1.0f, alone,
                                       NULL, &error));
  {
    guint la, lb;
    const int *a = atl_token_set_get (alone, 0, &la);
    const int *b = atl_token_set_get (batch, 17, &lb);

    g_assert_cmpmem (a, la * sizeof (int), b, lb * sizeof (int));
  }
}

static void
test_generator_style (void)
{
  const AtlCodec *codec = atl_music_codec ();
  g_autoptr(AtlPolicy) policy = tiny_policy (ATL_DOMAIN_MUSIC, 32, 11);
  g_autoptr(AtlGenerator) gen = atl_generator_new (policy, codec, NULL);
  g_autoptr(AtlTokenSet) out = atl_token_set_new ();
  g_autoptr(GError) error = NULL;
  const char *style[] = { "mode=dorian", "metre=6/8", "tune-type=jig", NULL };
  AtlStylePrefix prefix;
  guint64 seeds[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

  g_assert_true (atl_style_prefix_parse (codec, style, &prefix, &error));
  g_assert_no_error (error);
  g_assert_true (atl_generator_sample (gen, &prefix, NULL, 0, 8, seeds, 1.0f, 0.95f, out,
                                       NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (out, i, &len);
      g_autofree char *names = NULL;

      names = g_strdup_printf ("%s %s %s", codec->token_name (codec, seq[1]),
                               codec->token_name (codec, seq[2]),
                               codec->token_name (codec, seq[5]));
      g_assert_cmpstr (names, ==, "metre:6/8 mode:dorian type:jig");
    }
}

static void
test_generator_style_errors (void)
{
  const AtlCodec *music = atl_music_codec ();
  const AtlCodec *art = atl_art_codec ();
  g_autoptr(GError) error = NULL;
  const char *bad_key[] = { "colour=red", NULL };
  const char *bad_value[] = { "metre=7/8", NULL };
  const char *not_kv[] = { "metre", NULL };
  const char *art_style[] = { "palette=bauhaus", "family=ink", NULL };
  AtlStylePrefix prefix;

  g_assert_false (atl_style_prefix_parse (music, bad_key, &prefix, &error));
  g_assert_nonnull (strstr (error->message, "metre, mode, density, register, type"));
  g_clear_error (&error);
  g_assert_false (atl_style_prefix_parse (music, bad_value, &prefix, &error));
  g_assert_nonnull (strstr (error->message, "6/8"));
  g_clear_error (&error);
  g_assert_false (atl_style_prefix_parse (music, not_kv, &prefix, &error));
  g_clear_error (&error);

  g_assert_true (atl_style_prefix_parse (art, art_style, &prefix, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (art->token_name (art, prefix.forced[0]), ==, "family:ink");
  g_assert_cmpstr (art->token_name (art, prefix.forced[1]), ==, "pal:bauhaus");
  g_assert_cmpint (prefix.forced[2], ==, -1);
}

static void
test_generator_continue (void)
{
  const AtlCodec *codec = atl_music_codec ();
  g_autoptr(AtlPolicy) policy = tiny_policy (ATL_DOMAIN_MUSIC, 32, 11);
  g_autoptr(AtlGenerator) gen = atl_generator_new (policy, codec, NULL);
  g_autoptr(AtlTokenSet) first = atl_token_set_new ();
  g_autoptr(AtlTokenSet) more = atl_token_set_new ();
  g_autoptr(GError) error = NULL;
  guint64 seed = 42, seeds[4] = { 5, 6, 7, 8 };
  const int *seq;
  guint len;
  int keep;

  g_assert_true (atl_generator_sample (gen, NULL, NULL, 0, 1, &seed, 1.0f, 1.0f, first, NULL,
                                       &error));
  seq = atl_token_set_get (first, 0, &len);
  /* Keep the prefix and the first bar's start. */
  keep = MIN ((int) len - 1, codec->prefix_len + 4);
  g_assert_true (atl_generator_sample (gen, NULL, seq, keep, 4, seeds, 1.0f, 1.0f, more, NULL,
                                       &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      guint l;
      const int *s = atl_token_set_get (more, i, &l);

      g_assert_cmpmem (s, keep * sizeof (int), seq, keep * sizeof (int));
      g_assert_cmpint (codec->validate (codec, s, (int) l, NULL), ==, ATL_OK);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/app/generator/music/valid-and-reproducible",
                        GINT_TO_POINTER (ATL_DOMAIN_MUSIC), test_generator_valid_and_reproducible);
  g_test_add_data_func ("/app/generator/art/valid-and-reproducible",
                        GINT_TO_POINTER (ATL_DOMAIN_ART), test_generator_valid_and_reproducible);
  g_test_add_func ("/app/generator/style", test_generator_style);
  g_test_add_func ("/app/generator/style-errors", test_generator_style_errors);
  g_test_add_func ("/app/generator/continue", test_generator_continue);
  return g_test_run ();
}
