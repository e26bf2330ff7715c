/* atl-art-corpus.c: the corpus's shared machinery (palette taste, helpers, dispatch) and
 * the first four style families; atl-art-corpus-more.c holds the other five.
 *
 * Generators work in canvas units and let the helpers quantize to tokens. Each family
 * picks its background and inks by measured lightness and chroma, never by slot order,
 * so any palette gives a readable picture.
 */
#include "atl-art-corpus-private.h"

#include <string.h>

/* Each family's favourite palettes (indices into ATL_PALETTES), −1 terminated. */
static const int PREFERRED[ATL_ART_N_FAMILIES][12] = {
  [ATL_ART_CONSTRUCTIVIST] = { 0, 19, 11, 18, 10, 27, -1 },
  [ATL_ART_ORBITAL] = { 4, 5, 13, 15, 28, 7, 21, 27, 29, -1 },
  [ATL_ART_OPART] = { 8, 23, 29, 19, 0, 15, -1 },
  [ATL_ART_POINTILLIST] = { 28, 13, 14, 22, 24, 2, 21, 17, -1 },
  [ATL_ART_INK] = { 3, 23, 26, 8, 17, 16, -1 },
  [ATL_ART_MEMPHIS] = { 1, 2, 9, 20, 24, 25, 6, -1 },
  [ATL_ART_HARD_EDGE] = { 12, 11, 10, 5, 16, 22, 28, 4, -1 },
  [ATL_ART_ORGANIC] = { 6, 20, 14, 9, 17, 24, 25, 16, -1 },
  [ATL_ART_BAUHAUS_TILES] = { 0, 10, 18, 16, 3, 27, 1, 11, -1 },
};

static void (*const FAMILY_FUNCS[ATL_ART_N_FAMILIES]) (AtlArtGen *) = {
  _atl_art_constructivist, _atl_art_orbital, _atl_art_opart, _atl_art_pointillist,
  _atl_art_ink, _atl_art_memphis, _atl_art_hard_edge, _atl_art_organic,
  _atl_art_bauhaus_tiles,
};

AtlArtElement *
_atl_art_gen_add (AtlArtGen *g, AtlArtKind kind, int x, int y, int size, int shape, int slot,
                  int light, int alpha, int stroke)
{
  AtlArtwork *art = g->art;
  AtlArtElement *e;

  if (art->n_elements >= ATL_ART_MAX_ELEMENTS)
    return NULL;
  e = &art->elements[art->n_elements++];
  e->kind = (uint8_t) kind;
  e->x = (uint8_t) _gen_clamp (x, 0, ATL_ART_GRID - 1);
  e->y = (uint8_t) _gen_clamp (y, 0, ATL_ART_GRID - 1);
  e->size = (uint8_t) _gen_clamp (size, 0, 31);
  e->shape = (uint8_t) (kind == ATL_ART_CIRCLE ? 0 : _gen_clamp (shape, 0, 31));
  e->slot = (uint8_t) _gen_clamp (slot, 0, g->n_colours - 1);
  e->light = (uint8_t) _gen_clamp (light, 0, ATL_ART_N_LIGHT - 1);
  e->alpha = (uint8_t) _gen_clamp (alpha, 0, ATL_ART_N_ALPHA - 1);
  e->stroke = (uint8_t) _gen_clamp (stroke, 0, ATL_ART_N_STROKE - 1);
  if ((kind == ATL_ART_LINE || kind == ATL_ART_QUAD || kind == ATL_ART_CUBIC)
      && e->stroke == 0)
    e->stroke = 1;
  return e;
}

AtlArtElement *
_atl_art_gen_addf (AtlArtGen *g, AtlArtKind kind, double x, double y, double extent,
                   int shape, int slot, int light, int alpha, int stroke)
{
  return _atl_art_gen_add (g, kind, _gen_grid (x), _gen_grid (y),
                           atl_art_size_for_extent (extent), shape, slot, light, alpha,
                           stroke);
}

void
_atl_art_gen_background (AtlArtGen *g, int slot, int light)
{
  g->art->bg_slot = (uint8_t) _gen_clamp (slot, 0, g->n_colours - 1);
  g->art->bg_light = (uint8_t) _gen_clamp (light, 0, ATL_ART_N_LIGHT - 1);
}

int
_atl_art_gen_ink (AtlArtGen *g)
{
  int s = _gen_int (g, 0, g->n_colours - 2);

  return s >= g->art->bg_slot ? s + 1 : s;
}

int
_atl_art_gen_contrast (AtlArtGen *g, double min_dl)
{
  /* The background's own lightness step moves its L*, so measure against that. */
  double lbg = g->lightness[g->art->bg_slot] + (g->art->bg_light - 2) * ATL_ART_BG_LIGHT_STEP;
  int ok[6], n = 0, far = 0;

  for (int s = 0; s < g->n_colours; s++)
    {
      double d = fabs (g->lightness[s] - lbg);

      if (s != g->art->bg_slot && d >= min_dl)
        ok[n++] = s;
      if (d > fabs (g->lightness[far] - lbg))
        far = s;
    }
  return n > 0 ? ok[_gen_int (g, 0, n - 1)] : far;
}

void
_atl_art_gen_shuffle (AtlArtGen *g, int *v, int n)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = _gen_int (g, 0, i), t = v[i];

      v[i] = v[j];
      v[j] = t;
    }
}

void
atl_art_corpus_sample_in (AtlRng *rng, AtlArtFamily family, int palette, AtlArtwork *out)
{
  AtlArtGen g = { .art = out, .rng = rng };

  memset (out, 0, sizeof *out);
  out->palette = (uint8_t) _gen_clamp (palette, 0, ATL_N_PALETTES - 1);
  out->family = (uint8_t) ((unsigned) family < ATL_ART_N_FAMILIES ? family : 0);
  g.n_colours = ATL_PALETTES[out->palette].n_colours;
  for (int s = 0; s < g.n_colours; s++)
    {
      AtlLab lab = atl_lab_from_rgb (atl_rgb_from_hex (ATL_PALETTES[out->palette].colours[s]));

      g.lightness[s] = lab.l;
      g.chroma[s] = hypot (lab.a, lab.b);
      if (lab.l > g.lightness[g.lightest])
        g.lightest = s;
      if (lab.l < g.lightness[g.darkest])
        g.darkest = s;
      if (g.chroma[s] > g.chroma[g.vivid])
        g.vivid = s;
    }
  FAMILY_FUNCS[out->family] (&g);
  if (out->n_elements == 0)   /* never an empty canvas */
    _atl_art_gen_add (&g, ATL_ART_CIRCLE, 16, 16, 22, 0, _atl_art_gen_contrast (&g, 30), 2,
                      7, 0);
  out->complexity = (uint8_t) atl_art_complexity_for (out->n_elements);
}

void
atl_art_corpus_sample (AtlRng *rng, AtlArtFamily family, AtlArtwork *out)
{
  const int *pref = PREFERRED[(unsigned) family < ATL_ART_N_FAMILIES ? family : 0];
  int n_pref = 0, palette;

  while (pref[n_pref] >= 0)
    n_pref++;
  if (atl_rng_uniform (rng) < 0.7f)
    palette = pref[atl_rng_below (rng, (uint32_t) n_pref)];
  else
    palette = (int) atl_rng_below (rng, ATL_N_PALETTES);
  atl_art_corpus_sample_in (rng, family, palette, out);
}

void
atl_art_corpus_sample_any (AtlRng *rng, AtlArtwork *out)
{
  atl_art_corpus_sample (rng, (AtlArtFamily) atl_rng_below (rng, ATL_ART_N_FAMILIES), out);
}

/* ---- the families ---------------------------------------------------------------- */

void
_atl_art_constructivist (AtlArtGen *g)
{
  int dark, accent, axis, n_bars, perp;
  double dx, dy;

  _gen_paper (g);
  dark = g->darkest;
  accent = g->vivid != g->art->bg_slot && g->vivid != dark ? g->vivid : _atl_art_gen_ink (g);
  axis = _gen_chance (g, 0.8) ? (_gen_chance (g, 0.5) ? 1 : 3) : 0;   /* 45°, 135°, 0° */
  perp = (axis + 2) & 3;
  dx = cos (axis * M_PI / 4);
  dy = sin (axis * M_PI / 4);

  /* A large half-disc or field behind everything, sometimes. */
  if (_gen_chance (g, 0.35))
    _atl_art_gen_addf (g, ATL_ART_ARC, _gen_real (g, 0.3, 0.7), _gen_real (g, 0.55, 0.8),
                       _gen_real (g, 0.3, 0.42), _shape_arc (_gen_int (g, 0, 7), 1),
                       _atl_art_gen_ink (g), _gen_int (g, 2, 3), 7, 0);
  /* The dominant disc on a third. */
  double ox = _gen_chance (g, 0.5) ? 0.33 : 0.66, oy = _gen_chance (g, 0.5) ? 0.33 : 0.62;
  _atl_art_gen_addf (g, ATL_ART_CIRCLE, ox + _gen_real (g, -0.05, 0.05),
                     oy + _gen_real (g, -0.05, 0.05), _gen_real (g, 0.16, 0.3), 0,
                     _gen_chance (g, 0.75) ? accent : dark, 2, 7, 0);
  /* Bars along the axis through the canvas, one sometimes across it. */
  n_bars = _gen_int (g, 2, 5);
  for (int i = 0; i < n_bars; i++)
    {
      double t = _gen_real (g, -0.25, 0.25), off = _gen_real (g, -0.22, 0.22);
      int rot = i == n_bars - 1 && _gen_chance (g, 0.4) ? perp : axis;
      int slot = i == 0 ? dark : _gen_chance (g, 0.6) ? dark : _atl_art_gen_ink (g);

      _atl_art_gen_addf (g, ATL_ART_RECT, 0.5 + t * dx - off * dy, 0.5 + t * dy + off * dx,
                         _gen_real (g, 0.22, 0.5), _shape_box (rot, _gen_int (g, 5, 7)), slot,
                         2, 7, 0);
    }
  /* Thin rules parallel to the axis. */
  for (int i = _gen_int (g, 1, 4); i > 0; i--)
    {
      double off = _gen_real (g, -0.35, 0.35);

      _atl_art_gen_addf (g, ATL_ART_LINE, 0.5 - off * dy, 0.5 + off * dx, _gen_real (g, 0.25, 0.6),
                         axis * 8, dark, 2, 7, _gen_int (g, 1, 3));
    }
  /* Small accents: squares, triangles, dots. */
  for (int i = _gen_int (g, 1, 4 + 8 * _gen_chance (g, 0.3)); i > 0; i--)
    {
      double x = _gen_real (g, 0.15, 0.85), y = _gen_real (g, 0.15, 0.85);
      int slot = _gen_chance (g, 0.5) ? accent : _atl_art_gen_contrast (g, 25);

      switch (_gen_int (g, 0, 2))
        {
        case 0:
          _atl_art_gen_addf (g, ATL_ART_RECT, x, y, _gen_real (g, 0.03, 0.07),
                             _shape_box (axis, 0), slot, 2, 7, 0);
          break;
        case 1:
          _atl_art_gen_addf (g, ATL_ART_POLYGON, x, y, _gen_real (g, 0.04, 0.09),
                             _shape_polygon (3, _gen_int (g, 0, 3)), slot, 2, 7, 0);
          break;
        default:
          _atl_art_gen_addf (g, ATL_ART_CIRCLE, x, y, _gen_real (g, 0.02, 0.05), 0, slot, 2,
                             7, 0);
          break;
        }
    }
}

void
_atl_art_orbital (AtlArtGen *g)
{
  int night = _gen_chance (g, 0.4);
  double cx, cy;

  if (night)
    _atl_art_gen_background (g, g->darkest, _gen_int (g, 1, 2));
  else
    _gen_paper (g);
  if (_gen_chance (g, 0.5))
    cx = cy = 0.5;
  else
    {
      cx = _gen_chance (g, 0.5) ? 0.375 : 0.625;
      cy = _gen_chance (g, 0.5) ? 0.375 : 0.625;
    }

  if (_gen_chance (g, 0.45))
    {
      /* Nested discs, each a step smaller, alternating inks. */
      int n = _gen_int (g, 3, 7), size = _gen_int (g, 25, 28), a = _atl_art_gen_contrast (g, 20);
      int b = _atl_art_gen_ink (g);

      for (int i = 0; i < n && size > 8; i++)
        {
          _atl_art_gen_add (g, ATL_ART_CIRCLE, _gen_grid (cx), _gen_grid (cy), size, 0,
                            i % 2 ? b : a, 2 + (i % 3 == 2), 7, 0);
          size -= _gen_int (g, 1, 3);
          if (_gen_chance (g, 0.3))
            b = _atl_art_gen_ink (g);
        }
    }
  else
    {
      /* A sun and thin orbits. */
      _atl_art_gen_add (g, ATL_ART_CIRCLE, _gen_grid (cx), _gen_grid (cy), _gen_int (g, 17, 21),
                        0, g->vivid != g->art->bg_slot ? g->vivid : _atl_art_gen_ink (g), 2, 7,
                        0);
    }

  /* Orbits with planets and arcs. */
  int n_orbits = _gen_int (g, 2, 6), orbit_ink = _atl_art_gen_contrast (g, 25);
  for (int i = 0; i < n_orbits; i++)
    {
      double r = 0.12 + (0.38 * (i + 1)) / n_orbits;
      double th = _gen_real (g, 0, 2 * M_PI);
      int stroke = _gen_int (g, 1, 2);

      if (_gen_chance (g, 0.7))
        _atl_art_gen_addf (g, ATL_ART_CIRCLE, cx, cy, r, 0, orbit_ink, 2, _gen_int (g, 3, 6),
                           stroke);
      else
        _atl_art_gen_addf (g, ATL_ART_ARC, cx, cy, r, _shape_arc (_gen_int (g, 0, 7),
                                                                  _gen_int (g, 0, 2)),
                           _atl_art_gen_ink (g), 2, 7, _gen_int (g, 4, 6));
      for (int p = _gen_int (g, 1, 2); p > 0; p--)
        {
          double px = cx + r * cos (th), py = cy + r * sin (th);
          double pr = _gen_real (g, 0.018, 0.06);

          _atl_art_gen_addf (g, ATL_ART_CIRCLE, px, py, pr, 0, _atl_art_gen_ink (g),
                             _gen_int (g, 1, 3), 7, 0);
          if (_gen_chance (g, 0.25))
            _atl_art_gen_addf (g, ATL_ART_CIRCLE, px, py, pr * 1.8, 0, orbit_ink, 2, 5, 1);
          th += _gen_real (g, 1.5, 3.5);
        }
    }
  /* Stars on a night sky. */
  if (night)
    for (int i = _gen_int (g, 0, 10); i > 0; i--)
      _atl_art_gen_add (g, ATL_ART_CIRCLE, _gen_int (g, 1, 30), _gen_int (g, 1, 30),
                        _gen_int (g, 0, 3), 0, _atl_art_gen_contrast (g, 40), 3,
                        _gen_int (g, 4, 7), 0);
}

void
_atl_art_opart (AtlArtGen *g)
{
  int light_bg = _gen_chance (g, 0.7);
  int ink;

  _atl_art_gen_background (g, light_bg ? g->lightest : g->darkest, light_bg ? 2 : 1);
  ink = light_bg ? g->darkest : g->lightest;
  if (ink == g->art->bg_slot)
    ink = _atl_art_gen_contrast (g, 40);
  int second = _gen_chance (g, 0.35) ? _atl_art_gen_contrast (g, 20) : ink;

  switch (_gen_int (g, 0, 4))
    {
    case 0:   /* stripes (canvas-long lines) whose width follows a sine wave */
      {
        int n = _gen_int (g, 6, 16), vertical = _gen_chance (g, 0.5);
        double phase = _gen_real (g, 0, 2 * M_PI), freq = _gen_real (g, 0.5, 2.0);

        for (int i = 0; i < n; i++)
          {
            double u = (i + 0.5) / n, w = 0.5 + 0.5 * sin (phase + 2 * M_PI * freq * u);
            double width = (0.2 + 0.55 * w) / n;   /* a fraction of the stripe period */
            int stroke = 1;

            for (int k = 2; k < ATL_ART_N_STROKE; k++)
              if (fabs (ATL_ART_STROKE[k] - width) < fabs (ATL_ART_STROKE[stroke] - width))
                stroke = k;
            _atl_art_gen_add (g, ATL_ART_LINE, vertical ? _gen_grid (u) : 16,
                              vertical ? 16 : _gen_grid (u), 27, vertical ? 16 : 0,
                              i % 2 ? second : ink, 2, 7, stroke);
          }
        break;
      }
    case 1:   /* a fan of lines through one point */
      {
        int n = _gen_int (g, 10, 32), step = 32 / n > 0 ? 32 / n : 1;
        int x = _gen_int (g, 6, 26), y = _gen_int (g, 6, 26), s0 = _gen_int (g, 0, 31);

        for (int i = 0; i < n && i * step < 32; i++)
          _atl_art_gen_add (g, ATL_ART_LINE, x, y, 31, (s0 + i * step) % 32, ink, 2, 7,
                            _gen_int (g, 5, 7) - (n > 20));
        break;
      }
    case 2:   /* stacked waves */
      {
        int n = _gen_int (g, 8, 24), dir = _gen_chance (g, 0.75) ? 0 : 4, variant = _gen_int (g, 0, 1);
        double span = _gen_real (g, 0.9, 1.3);

        for (int i = 0; i < n; i++)
          {
            double u = -0.15 + span * (i + 0.5) / n;

            _atl_art_gen_add (g, ATL_ART_CUBIC, dir ? _gen_grid (u) : 16, dir ? 16 : _gen_grid (u),
                              26 + (dir != 0), _shape_curve (dir, variant), i % 2 ? second : ink, 2,
                              7, n > 16 ? 6 : 7);
          }
        break;
      }
    case 3:   /* alternating rings drifting off-centre: a tunnel */
      {
        double x0 = 0.5, y0 = 0.5, x1 = _gen_real (g, 0.25, 0.75), y1 = _gen_real (g, 0.25, 0.75);
        int n = _gen_int (g, 10, 20), size = 31;

        for (int i = 0; i < n && size >= 5; i++, size -= 1 + (n < 14))
          {
            double t = (double) i / n;

            /* Odd rings in the second ink, or the ground's colour when there is none. */
            _atl_art_gen_addf (g, ATL_ART_CIRCLE, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t,
                               atl_art_extent (size), 0,
                               i % 2 ? (second != ink ? second : g->art->bg_slot) : ink, 2, 7, 0);
          }
        break;
      }
    default:  /* a grid of discs swelling toward a focus */
      {
        int k = _gen_int (g, 5, 6);
        double fx = _gen_real (g, 0.2, 0.8), fy = _gen_real (g, 0.2, 0.8);

        for (int j = 0; j < k; j++)
          for (int i = 0; i < k; i++)
            {
              double x = (i + 0.5) / k, y = (j + 0.5) / k;
              double d = hypot (x - fx, y - fy);
              double r = (0.5 / k) * (0.25 + 0.75 * exp (-d * d / 0.08));

              _atl_art_gen_addf (g, ATL_ART_CIRCLE, x, y, r, 0,
                                 (i + j) % 2 && second != ink ? second : ink, 2, 7, 0);
            }
        break;
      }
    }
}

void
_atl_art_pointillist (AtlArtGen *g)
{
  int dark = _gen_chance (g, 0.3), n_fields = _gen_int (g, 2, 6), cells[9];
  int inks[3];

  if (dark)
    _atl_art_gen_background (g, g->darkest, _gen_int (g, 1, 2));
  else
    _gen_paper (g);
  /* Two or three inks for the whole picture: the eye mixes them where fields overlap. */
  for (int i = 0; i < 3; i++)
    inks[i] = _atl_art_gen_contrast (g, 15);
  for (int i = 0; i < 9; i++)
    cells[i] = i;
  _atl_art_gen_shuffle (g, cells, 9);
  for (int i = 0; i < n_fields; i++)
    {
      /* Fields sit on a jittered 3 × 3 lattice so the canvas is covered evenly. */
      double x = (cells[i % 9] % 3 + 0.5) / 3 + _gen_real (g, -0.12, 0.12);
      double y = (cells[i % 9] / 3 + 0.5) / 3 + _gen_real (g, -0.12, 0.12);
      double r = _gen_real (g, 0, 1);
      int pattern = r < 0.45 ? 3 : r < 0.75 ? 1 : r < 0.92 ? 2 : 0;

      _atl_art_gen_addf (g, ATL_ART_DOTS, x, y, _gen_real (g, 0.25, 0.55),
                         _shape_dots (pattern, _gen_int (g, 1, 4)), inks[_gen_int (g, 0, 2)],
                         _gen_int (g, 1, 3), _gen_int (g, 4, 6), _gen_int (g, 3, 7));
    }
  for (int i = _gen_int (g, 0, 8); i > 0; i--)
    _atl_art_gen_add (g, ATL_ART_CIRCLE, _gen_int (g, 2, 30), _gen_int (g, 2, 30),
                      _gen_int (g, 4, 9), 0, inks[_gen_int (g, 0, 2)], _gen_int (g, 1, 3), 7, 0);
}
