/* atl-colour.c: sRGB ↔ CIELAB with the D65 white, and gamut-aware lightness shifts. */
#include "atl-colour.h"

#include <math.h>
#include <stddef.h>

static const double WHITE_X = 0.95047, WHITE_Y = 1.0, WHITE_Z = 1.08883;

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
linear_to_srgb (double c)
{
  return c <= 0.0031308 ? 12.92 * c : 1.055 * pow (c, 1.0 / 2.4) - 0.055;
}

static double
lab_f (double t)
{
  return t > 216.0 / 24389.0 ? cbrt (t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

static double
lab_finv (double t)
{
  double t3 = t * t * t;

  return t3 > 216.0 / 24389.0 ? t3 : (116.0 * t - 16.0) * 27.0 / 24389.0;
}

AtlRgb
atl_rgb_from_hex (uint32_t hex)
{
  AtlRgb c = {
    ((hex >> 16) & 0xff) / 255.0,
    ((hex >> 8) & 0xff) / 255.0,
    (hex & 0xff) / 255.0,
  };
  return c;
}

AtlLab
atl_lab_from_rgb (AtlRgb rgb)
{
  double r = srgb_to_linear (rgb.r), g = srgb_to_linear (rgb.g), b = srgb_to_linear (rgb.b);
  double x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  double z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
  double fx = lab_f (x / WHITE_X), fy = lab_f (y / WHITE_Y), fz = lab_f (z / WHITE_Z);
  AtlLab lab = { 116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz) };

  return lab;
}

AtlRgb
atl_rgb_from_lab (AtlLab lab, int *in_gamut)
{
  double fy = (lab.l + 16.0) / 116.0;
  double fx = fy + lab.a / 500.0, fz = fy - lab.b / 200.0;
  double x = WHITE_X * lab_finv (fx), y = WHITE_Y * lab_finv (fy), z = WHITE_Z * lab_finv (fz);
  double lin[3] = {
    3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
    -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
    0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
  };
  double out[3];
  int ok = 1;

  for (int i = 0; i < 3; i++)
    {
      if (lin[i] < -1e-4 || lin[i] > 1.0001)
        ok = 0;
      out[i] = linear_to_srgb (fmin (fmax (lin[i], 0.0), 1.0));
    }
  if (in_gamut != NULL)
    *in_gamut = ok;
  return (AtlRgb) { out[0], out[1], out[2] };
}

AtlRgb
atl_rgb_shift_lightness (AtlRgb colour, double dl)
{
  AtlLab lab = atl_lab_from_rgb (colour);
  double lo = 0.0, hi = 1.0;
  int ok;

  if (dl == 0.0)
    return colour;
  lab.l = fmin (fmax (lab.l + dl, 3.0), 98.0);
  /* Bisect the largest chroma scale that stays inside sRGB. */
  AtlLab t = lab;
  atl_rgb_from_lab (t, &ok);
  if (ok)
    return atl_rgb_from_lab (t, NULL);
  for (int i = 0; i < 12; i++)
    {
      double mid = 0.5 * (lo + hi);

      t.a = lab.a * mid;
      t.b = lab.b * mid;
      atl_rgb_from_lab (t, &ok);
      if (ok)
        lo = mid;
      else
        hi = mid;
    }
  t.a = lab.a * lo;
  t.b = lab.b * lo;
  return atl_rgb_from_lab (t, NULL);
}
