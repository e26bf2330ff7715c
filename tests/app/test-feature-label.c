/* test-feature-label.c: every feature of both codecs has a human label, for the studio
 * and the command line alike. */
#include <glib.h>
#include <string.h>

#include "atl-art-features.h"
#include "atl-feature-label.h"
#include "atl-music-features.h"

static void
check_all (const char *(*name_of) (int), int n)
{
  for (int i = 0; i < n; i++)
    {
      const char *name = name_of (i);
      const char *label = atl_feature_label_lookup (name);

      g_test_message ("%s → %s", name, label ? label : "(none)");
      g_assert_nonnull (label);
      /* Short enough for the bar chart's label column. */
      g_assert_cmpuint (g_utf8_strlen (label, -1), <=, 26);
      g_assert_null (strchr (label, '_'));
    }
}

static void
test_art (void)
{
  check_all (atl_art_feature_name, ATL_ART_N_FEATURES);
}

static void
test_music (void)
{
  check_all (atl_music_feature_name, ATL_MUSIC_N_FEATURES);
}

static void
test_fallback (void)
{
  g_autofree char *label = atl_feature_label_dup ("some_new_feature");

  g_assert_null (atl_feature_label_lookup ("some_new_feature"));
  g_assert_cmpstr (label, ==, "some new feature");
  g_free (g_steal_pointer (&label));
  label = atl_feature_label_dup ("centre_x");
  g_assert_cmpstr (label, ==, "weight to the right");
}

static void
test_format_top (void)
{
  g_autofree char *text = atl_feature_label_format_top ("in_key \u2191, range \u2193, x_y");
  g_autofree char *empty = atl_feature_label_format_top ("");

  g_assert_cmpstr (text, ==, "notes in key \u2191, a wide range \u2193, x y");
  g_assert_cmpstr (empty, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/feature-label/art", test_art);
  g_test_add_func ("/ui/feature-label/music", test_music);
  g_test_add_func ("/ui/feature-label/fallback", test_fallback);
  g_test_add_func ("/ui/feature-label/format-top", test_format_top);
  return g_test_run ();
}
