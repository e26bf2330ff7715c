/* atl-feature-label.c: the label table behind "What It Learned".
 *
 * Each label names the direction in which the feature grows, since a bar's sign already
 * says whether the artist's picks favour or avoid it: "weight to the right" for centre_x,
 * "warm colours" for CIELAB b* (yellow over blue). Hue bins are 45° of CIELAB hue angle
 * from 0° (red-magenta); the label names the colour an artist would see in that bin.
 */
#include "atl-feature-label.h"

#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  const char *name;
  const char *label;
} FeatureLabel;

static const FeatureLabel labels[] = {
  /* Art: atl-art-features.h */
  { "lab_l_mean", N_("light colours") },
  { "lab_a_mean", N_("rosy colours") },
  { "lab_b_mean", N_("warm colours") },
  { "lab_l_spread", N_("light–dark contrast") },
  { "lab_a_spread", N_("red–green contrast") },
  { "lab_b_spread", N_("warm–cool contrast") },
  { "colourfulness", N_("vivid colour") },
  { "hue_0", N_("red hues") },
  { "hue_1", N_("orange hues") },
  { "hue_2", N_("yellow hues") },
  { "hue_3", N_("green hues") },
  { "hue_4", N_("teal hues") },
  { "hue_5", N_("sky-blue hues") },
  { "hue_6", N_("blue-violet hues") },
  { "hue_7", N_("magenta hues") },
  { "coverage", N_("a filled canvas") },
  { "edge_density", N_("fine detail") },
  { "symmetry_lr", N_("left–right symmetry") },
  { "symmetry_tb", N_("top–bottom symmetry") },
  { "centre_x", N_("weight to the right") },
  { "centre_y", N_("weight to the bottom") },
  { "kind_circle", N_("circles") },
  { "kind_ellipse", N_("ellipses") },
  { "kind_rect", N_("rectangles") },
  { "kind_polygon", N_("polygons") },
  { "kind_line", N_("straight lines") },
  { "kind_quad", N_("gentle curves") },
  { "kind_cubic", N_("flowing curves") },
  { "kind_arc", N_("arcs") },
  { "kind_dots", N_("dot patterns") },
  { "size_spread", N_("mixed sizes") },
  { "compressibility", N_("plain areas") },
  { "element_count", N_("many shapes") },
  { "mean_alpha", N_("opaque shapes") },
  /* Music: atl-music-features.h; pitch classes count up from the tonic. */
  { "in_key", N_("notes in key") },
  { "excess_repeats", N_("long repeated notes") },
  { "leaps_resolved", N_("resolved leaps") },
  { "motif", N_("motifs") },
  { "repeated_motif", N_("recurring motifs") },
  { "autocorr_1", N_("smooth contour") },
  { "autocorr_2", N_("two-note patterns") },
  { "autocorr_3", N_("three-note patterns") },
  { "unique_max", N_("a single high point") },
  { "unique_min", N_("a single low point") },
  { "starts_tonic", N_("starting on the home note") },
  { "pc_0", N_("the home note") },
  { "pc_1", N_("flat seconds") },
  { "pc_2", N_("seconds") },
  { "pc_3", N_("minor thirds") },
  { "pc_4", N_("major thirds") },
  { "pc_5", N_("fourths") },
  { "pc_6", N_("tritones") },
  { "pc_7", N_("fifths") },
  { "pc_8", N_("minor sixths") },
  { "pc_9", N_("major sixths") },
  { "pc_10", N_("minor sevenths") },
  { "pc_11", N_("major sevenths") },
  { "iv_repeat", N_("same-note steps") },
  { "iv_step", N_("stepwise motion") },
  { "iv_third", N_("skips of a third") },
  { "iv_fourth_fifth", N_("leaps of a fourth or fifth") },
  { "iv_sixth_octave", N_("wide leaps") },
  { "iv_wide", N_("leaps past an octave") },
  { "density", N_("many notes") },
  { "syncopation", N_("syncopation") },
  { "range", N_("a wide range") },
  { "contour_step", N_("rising lines") },
  { "direction_changes", N_("zigzag contour") },
  { "mean_pitch", N_("high register") },
  { "rest_fraction", N_("rests") },
  { "contour_start", N_("a high opening") },
  { "contour_middle", N_("an arching line") },
  { "contour_end", N_("a high ending") },
};

const char *
atl_feature_label_lookup (const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].name, name))
      return _(labels[i].label);
  return NULL;
}

char *
atl_feature_label_dup (const char *name)
{
  const char *label = atl_feature_label_lookup (name);

  if (label != NULL)
    return g_strdup (label);
  return g_strdelimit (g_strdup (name ? name : ""), "_", ' ');
}

char *
atl_feature_label_format_top (const char *top)
{
  g_auto(GStrv) parts = g_strsplit (top ? top : "", ",", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (parts[i]));
      g_autofree char *label = NULL;
      const char *arrow = "";

      /* The arrow is the direction the picks favour; it stays after the label. */
      if (g_str_has_suffix (name, "↑") || g_str_has_suffix (name, "↓"))
        {
          arrow = g_str_has_suffix (name, "↑") ? " ↑" : " ↓";
          name[strlen (name) - strlen ("↑")] = '\0';
          g_strstrip (name);
        }
      if (name[0] == '\0')
        continue;
      label = atl_feature_label_dup (name);
      g_string_append_printf (out, "%s%s%s", out->len ? ", " : "", label, arrow);
    }
  return g_string_free (out, FALSE);
}
