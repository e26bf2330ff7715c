/* atl-art-features.c: the feature vector of an artwork (the table is in the header).
 *
 * Dimension legend: W, H the render's width and height (64 × 64 by default), N = W·H.
 */
#include "atl-art-features.h"

#include <math.h>
#include <string.h>

#include "atl-art-render.h"
#include "atl-colour.h"
#include "atl-palettes.h"

static const char *FEATURE_NAMES[ATL_ART_N_FEATURES] = {
  "lab_l_mean", "lab_a_mean", "lab_b_mean", "lab_l_spread", "lab_a_spread", "lab_b_spread",
  "colourfulness",
  "hue_0", "hue_1", "hue_2", "hue_3", "hue_4", "hue_5", "hue_6", "hue_7",
  "coverage", "edge_density", "symmetry_lr", "symmetry_tb", "centre_x", "centre_y",
  "kind_circle", "kind_ellipse", "kind_rect", "kind_polygon", "kind_line", "kind_quad",
  "kind_cubic", "kind_arc", "kind_dots",
  "size_spread", "compressibility", "element_count", "mean_alpha",
};

const char *
atl_art_feature_name (int feature)
{
  return feature >= 0 && feature < ATL_ART_N_FEATURES ? FEATURE_NAMES[feature] : "?";
}

/* sRGB byte → linear light, computed once per call site's table. */
static void
fill_linear_table (double table[256])
{
  for (int i = 0; i < 256; i++)
    {
      double c = i / 255.0;

      table[i] = c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
    }
}

static double
lab_f (double t)
{
  return t > 216.0 / 24389.0 ? cbrt (t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

static AtlLab
lab_of_pixel (uint32_t px, const double lin[256])
{
  double r = lin[(px >> 16) & 0xff], g = lin[(px >> 8) & 0xff], b = lin[px & 0xff];
  double fx = lab_f ((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047);
  double fy = lab_f (0.2126729 * r + 0.7151522 * g + 0.0721750 * b);
  double fz = lab_f ((0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883);

  return (AtlLab) { 116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz) };
}

static double
delta_e (AtlLab p, AtlLab q)
{
  return sqrt ((p.l - q.l) * (p.l - q.l) + (p.a - q.a) * (p.a - q.a) + (p.b - q.b) * (p.b - q.b));
}

/* The image part: everything computed from pixels. lab (N) is scratch. */
static void
pixel_features (const AtlArtwork *art, const unsigned char *data, int w, int h, int stride,
                AtlLab *lab, float *out)
{
  double lin[256];
  double n = (double) w * h;
  double sum[3] = { 0 }, sq[3] = { 0 };
  double rg_s = 0, rg_q = 0, yb_s = 0, yb_q = 0;
  double hue[8] = { 0 }, covered = 0, edges = 0, sym_lr = 0, sym_tb = 0;
  double mass = 0, mx = 0, my = 0, runs = 0;
  AtlLab bg = atl_lab_from_rgb (atl_palette_colour (art->palette, art->bg_slot, art->bg_light,
                                                    ATL_ART_BG_LIGHT_STEP));

  fill_linear_table (lin);
  for (int y = 0; y < h; y++)
    {
      const uint32_t *row = (const uint32_t *) (data + (size_t) y * stride);
      uint32_t prev = 0xffffffffu;

      for (int x = 0; x < w; x++)
        {
          uint32_t px = row[x];
          AtlLab c = lab_of_pixel (px, lin);
          double r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
          double rg = r - g, yb = 0.5 * (r + g) - b, chroma = hypot (c.a, c.b);
          double ink = delta_e (c, bg);
          uint32_t q = px & 0xf0f0f0u;

          lab[y * w + x] = c;
          sum[0] += c.l, sum[1] += c.a, sum[2] += c.b;
          sq[0] += c.l * c.l, sq[1] += c.a * c.a, sq[2] += c.b * c.b;
          rg_s += rg, rg_q += rg * rg, yb_s += yb, yb_q += yb * yb;
          if (chroma > 10)
            {
              double angle = atan2 (c.b, c.a);
              int bin = (int) floor ((angle < 0 ? angle + 2 * M_PI : angle) / (M_PI / 4));

              hue[bin < 0 ? 0 : bin > 7 ? 7 : bin] += 1;
            }
          if (ink > 5)
            covered += 1;
          mass += ink, mx += ink * x, my += ink * y;
          if (q != prev)
            runs += 1;
          prev = q;
        }
    }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        AtlLab c = lab[y * w + x];

        sym_lr += delta_e (c, lab[y * w + (w - 1 - x)]);
        sym_tb += delta_e (c, lab[(h - 1 - y) * w + x]);
        if (x > 0 && y > 0 && x < w - 1 && y < h - 1)
          {
#define L(dx, dy) (lab[(y + (dy)) * w + x + (dx)].l / 100.0)
            double gx = L (1, -1) + 2 * L (1, 0) + L (1, 1) - L (-1, -1) - 2 * L (-1, 0) - L (-1, 1);
            double gy = L (-1, 1) + 2 * L (0, 1) + L (1, 1) - L (-1, -1) - 2 * L (0, -1) - L (1, -1);
#undef L
            if (gx * gx + gy * gy > 0.09)
              edges += 1;
          }
      }

  for (int k = 0; k < 3; k++)
    {
      double mean = sum[k] / n;

      out[k] = (float) (mean / 100.0);
      out[3 + k] = (float) (sqrt (fmax (sq[k] / n - mean * mean, 0.0)) / 100.0);
    }
  {
    double mrg = rg_s / n, myb = yb_s / n;
    double vrg = fmax (rg_q / n - mrg * mrg, 0.0), vyb = fmax (yb_q / n - myb * myb, 0.0);

    out[6] = (float) ((sqrt (vrg + vyb) + 0.3 * sqrt (mrg * mrg + myb * myb)) / 100.0);
  }
  for (int k = 0; k < 8; k++)
    out[7 + k] = (float) (hue[k] / n);
  out[15] = (float) (covered / n);
  out[16] = (float) (edges / n);
  out[17] = (float) fmax (0.0, 1.0 - sym_lr / n / 50.0);
  out[18] = (float) fmax (0.0, 1.0 - sym_tb / n / 50.0);
  out[19] = mass > 0 ? (float) (mx / mass / (w - 1)) : 0.5f;
  out[20] = mass > 0 ? (float) (my / mass / (h - 1)) : 0.5f;
  out[31] = (float) (1.0 - runs / n);
}

static void
element_features (const AtlArtwork *art, float *out)
{
  double n = art->n_elements, s = 0, sq = 0, alpha = 0;

  for (int k = 0; k < ATL_ART_N_KINDS; k++)
    out[21 + k] = 0;
  for (int i = 0; i < art->n_elements; i++)
    {
      const AtlArtElement *e = &art->elements[i];

      out[21 + e->kind] += (float) (1.0 / n);
      s += e->size, sq += (double) e->size * e->size;
      alpha += (e->alpha + 1) / 8.0;
    }
  out[30] = (float) (sqrt (fmax (sq / n - (s / n) * (s / n), 0.0)) / 31.0);
  out[32] = (float) (n / ATL_ART_MAX_ELEMENTS);
  out[33] = (float) (alpha / n);
}

AtlStatus
atl_art_features_from (const AtlArtwork *art, cairo_surface_t *image, float *out, AtlMsg *msg)
{
  static const int side = ATL_ART_FEATURE_SIDE;
  AtlLab scratch[ATL_ART_FEATURE_SIDE * ATL_ART_FEATURE_SIDE];
  AtlStatus status = atl_artwork_check (art, msg);
  int w, h;

  if (status != ATL_OK)
    return status;
  if (cairo_surface_get_type (image) != CAIRO_SURFACE_TYPE_IMAGE
      || (cairo_image_surface_get_format (image) != CAIRO_FORMAT_RGB24
          && cairo_image_surface_get_format (image) != CAIRO_FORMAT_ARGB32))
    return atl_fail (msg, ATL_ERR_INVALID, "features need an RGB24 or ARGB32 image surface");
  w = cairo_image_surface_get_width (image);
  h = cairo_image_surface_get_height (image);
  if (w != side || h != side)
    return atl_fail (msg, ATL_ERR_RANGE, "features need a %d × %d render, got %d × %d", side,
                     side, w, h);
  cairo_surface_flush (image);
  pixel_features (art, cairo_image_surface_get_data (image), w, h,
                  cairo_image_surface_get_stride (image), scratch, out);
  element_features (art, out);
  for (int i = 0; i < ATL_ART_N_FEATURES; i++)
    if (!isfinite (out[i]))
      return atl_fail (msg, ATL_ERR_NUMERIC, "feature %s is not finite", FEATURE_NAMES[i]);
  return ATL_OK;
}

AtlStatus
atl_art_features (const AtlArtwork *art, float *out, AtlMsg *msg)
{
  enum { SIDE = ATL_ART_FEATURE_SIDE };
  uint32_t pixels[SIDE * SIDE];   /* 16 KiB on the stack: no allocation per work */
  cairo_surface_t *image;
  AtlStatus status = atl_artwork_check (art, msg);

  if (status != ATL_OK)
    return status;
  image = cairo_image_surface_create_for_data ((unsigned char *) pixels, CAIRO_FORMAT_RGB24,
                                               SIDE, SIDE, SIDE * 4);
  status = atl_art_render_into (art, image, msg);
  if (status == ATL_OK)
    status = atl_art_features_from (art, image, out, msg);
  cairo_surface_destroy (image);
  return status;
}
