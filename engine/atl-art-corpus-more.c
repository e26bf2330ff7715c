/* atl-art-corpus-more.c: the corpus's ink, memphis, hard-edge, organic and bauhaus-tiles
 * families (the shared machinery is in atl-art-corpus.c). */
#include "atl-art-corpus-private.h"

void
_atl_art_ink (AtlArtGen *g)
{
  int ink, n_gestures = _gen_int (g, 1, 5);

  _atl_art_gen_background (g, g->lightest, _gen_int (g, 2, 4));
  ink = g->darkest;
  if (_gen_chance (g, 0.3))   /* an ensō first, the strokes across it */
    _atl_art_gen_addf (g, ATL_ART_ARC, _gen_real (g, 0.4, 0.6), _gen_real (g, 0.4, 0.6),
                       _gen_real (g, 0.28, 0.36), _shape_arc (_gen_int (g, 0, 7), 3), ink, 2,
                       7, 7);
  /* A few large gestures sharing one dominant direction, in diluted and full ink. */
  int dir0 = _gen_int (g, 0, 15), n_strokes = n_gestures;
  for (int i = 0; i < n_strokes; i++)
    {
      int dir = (dir0 + _gen_int (g, -1, 1)) & 15;
      AtlArtKind kind = _gen_chance (g, 0.6) ? ATL_ART_QUAD : ATL_ART_CUBIC;
      /* Quads bow gently or deeply; cubics only arch (an S-curve wiggles like a worm). */
      int shape = _shape_curve (dir, kind == ATL_ART_QUAD ? _gen_int (g, 0, 1) : 1);
      double x = _gen_real (g, 0.3, 0.7), y = _gen_real (g, 0.3, 0.7), a = dir * M_PI / 8;
      double e = _gen_real (g, 0.25, 0.55);
      int light = i == 0 ? 1 : _gen_int (g, 1, 3), width = i == 0 ? 7 : _gen_int (g, 5, 7);

      _atl_art_gen_addf (g, kind, x, y, e, shape, ink, light, _gen_int (g, 5, 7), width);
      if (_gen_chance (g, 0.4))   /* a thin dry-brush echo beside it */
        _atl_art_gen_addf (g, kind, x - 0.035 * sin (a), y + 0.035 * cos (a), e * 0.95, shape,
                           ink, 2, _gen_int (g, 3, 5), _gen_int (g, 1, 2));
    }
  for (int i = _gen_int (g, 0, 5); i > 0; i--)   /* splashes */
    _atl_art_gen_add (g, ATL_ART_CIRCLE, _gen_int (g, 3, 29), _gen_int (g, 3, 29),
                      _gen_int (g, 2, 7), 0, ink, 2, _gen_int (g, 4, 7), 0);
  if (_gen_chance (g, 0.5) && g->vivid != g->art->bg_slot)   /* the seal */
    _atl_art_gen_add (g, ATL_ART_RECT, _gen_int (g, 25, 28), _gen_int (g, 25, 28),
                      _gen_int (g, 11, 12), _shape_box (0, 0), g->vivid, 1, 7, 0);
}

void
_atl_art_memphis (AtlArtGen *g)
{
  int n = _gen_int (g, 10, 40), k = (int) ceil (sqrt (n)), cells[49], outline = g->darkest;

  _atl_art_gen_background (g, g->lightest, _gen_int (g, 2, 4));
  if (_gen_chance (g, 0.25))
    _atl_art_gen_background (g, _atl_art_gen_ink (g), 3);
  if (outline == g->art->bg_slot)
    outline = _atl_art_gen_contrast (g, 30);
  for (int i = 0; i < k * k; i++)
    cells[i] = i;
  _atl_art_gen_shuffle (g, cells, k * k);
  for (int i = 0; i < n; i++)
    {
      /* Jittered grid cells: an even scatter with no clumps. */
      double x = (cells[i] % k + _gen_real (g, 0.2, 0.8)) / k;
      double y = (cells[i] / k + _gen_real (g, 0.2, 0.8)) / k;
      double e = _gen_real (g, 0.035, 0.09) * (k < 5 ? 1.5 : 1.0);
      int slot = _atl_art_gen_ink (g), light = _gen_int (g, 1, 3);
      double r = _gen_real (g, 0, 1);

      if (r < 0.18)
        _atl_art_gen_addf (g, ATL_ART_POLYGON, x, y, e, _shape_polygon (3, _gen_int (g, 0, 3)),
                           slot, light, 7, 0);
      else if (r < 0.38)
        _atl_art_gen_addf (g, ATL_ART_CUBIC, x, y, e * 1.3, _shape_curve (_gen_int (g, 0, 15), 0),
                           _gen_chance (g, 0.5) ? outline : slot, 2, 7, _gen_int (g, 4, 5));
      else if (r < 0.5)
        _atl_art_gen_addf (g, ATL_ART_CIRCLE, x, y, e * 0.8, 0, slot, light, 7,
                           _gen_chance (g, 0.5) ? _gen_int (g, 3, 5) : 0);
      else if (r < 0.6)
        _atl_art_gen_addf (g, ATL_ART_DOTS, x, y, e * 1.2, _shape_dots (0, _gen_int (g, 5, 7)),
                           outline, 2, 7, _gen_int (g, 3, 5));
      else if (r < 0.72)
        _atl_art_gen_addf (g, ATL_ART_ARC, x, y, e, _shape_arc (_gen_int (g, 0, 7), 1), slot,
                           light, 7, 0);
      else if (r < 0.86)
        _atl_art_gen_addf (g, ATL_ART_RECT, x, y, e, _shape_box (_gen_int (g, 0, 3),
                                                               _gen_int (g, 0, 6)),
                           slot, light, 7, _gen_chance (g, 0.3) ? 4 : 0);
      else
        _atl_art_gen_addf (g, ATL_ART_LINE, x, y, e * 1.2, _gen_int (g, 0, 31), outline, 2, 7,
                           _gen_int (g, 4, 6));
    }
}

/* A rectangle covering [x0, x1] × [y0, y1] as well as the extent and aspect tables allow. */
static void
field (AtlArtGen *g, double x0, double y0, double x1, double y1, int slot, int light,
       int alpha)
{
  double w = x1 - x0, h = y1 - y0, lo = fmax (w, h), sh = fmin (w, h), best = 1e9;
  int asp = 0;

  for (int a = 0; a < 8; a++)
    if (fabs (ATL_ART_ASPECT[a] - sh / lo) < best)
      best = fabs (ATL_ART_ASPECT[a] - sh / lo), asp = a;
  _atl_art_gen_addf (g, ATL_ART_RECT, (x0 + x1) / 2, (y0 + y1) / 2, lo / 2,
                     _shape_box (w >= h ? 0 : 2, asp), slot, light, alpha, 0);
}

void
_atl_art_hard_edge (AtlArtGen *g)
{
  switch (_gen_int (g, 0, 3))
    {
    case 0:   /* Rothko: soft-edged bands on a coloured ground */
      {
        int n = _gen_int (g, 2, 3);
        double top = 0.07, gap = 0.05, h = (1.0 - 2 * top - (n - 1) * gap) / n;

        _atl_art_gen_background (g, _atl_art_gen_ink (g), _gen_int (g, 1, 2));
        for (int i = 0; i < n; i++)
          {
            double y0 = top + i * (h + gap);
            int slot = _atl_art_gen_contrast (g, 12);

            field (g, 0.1, y0, 0.9, y0 + h, slot, _gen_int (g, 1, 3), 6);
            if (_gen_chance (g, 0.5))   /* a glaze over the band */
              field (g, 0.12, y0 + 0.02, 0.88, y0 + h - 0.02, slot, 2, 3);
          }
        break;
      }
    case 1:   /* Albers: nested squares sinking toward the bottom */
      {
        int n = _gen_int (g, 3, 4), tonal = _gen_chance (g, 0.4), slot = _atl_art_gen_ink (g);
        int size = 26;

        _atl_art_gen_background (g, _gen_int (g, 0, g->n_colours - 1), tonal ? 0 : 2);
        if (tonal)
          slot = g->art->bg_slot;
        for (int i = 0; i < n; i++)
          {
            size -= i == 0 ? _gen_int (g, 1, 2) : 2;
            double e = atl_art_extent (size);
            double y = 0.5 + (0.5 - e) * 0.35;
            _atl_art_gen_addf (g, ATL_ART_RECT, 0.5, y, e, _shape_box (0, 0),
                               tonal ? slot : _atl_art_gen_ink (g), tonal ? 1 + i : 2, 7, 0);
          }
        break;
      }
    case 2:   /* Kelly: one or two bold shapes, cut by the edge */
      {
        _gen_paper (g);
        for (int i = _gen_int (g, 1, 2); i > 0; i--)
          {
            int slot = _atl_art_gen_contrast (g, 20);
            double x = _gen_real (g, 0.2, 0.8), y = _gen_real (g, 0.25, 0.95);

            switch (_gen_int (g, 0, 2))
              {
              case 0:
                _atl_art_gen_addf (g, ATL_ART_CIRCLE, x, y, _gen_real (g, 0.3, 0.55), 0, slot, 2,
                                   7, 0);
                break;
              case 1:
                _atl_art_gen_addf (g, ATL_ART_POLYGON, x, y, _gen_real (g, 0.35, 0.6),
                                   _shape_polygon (3, _gen_int (g, 0, 3)), slot, 2, 7, 0);
                break;
              default:
                {
                  /* A quarter disc growing from a corner into the canvas. */
                  static const int start[2][2] = { { 0, 6 }, { 2, 4 } };   /* [right][bottom] */
                  int right = _gen_int (g, 0, 1), bottom = _gen_int (g, 0, 1);

                  _atl_art_gen_add (g, ATL_ART_ARC, right ? 31 : 0, bottom ? 31 : 0,
                                    _gen_int (g, 27, 30), _shape_arc (start[right][bottom], 0),
                                    slot, 2, 7, 0);
                }
                break;
              }
          }
        break;
      }
    default:  /* De Stijl: coloured cells between black rules */
      {
        int n_x = _gen_int (g, 1, 3), n_y = _gen_int (g, 1, 3), rule = g->darkest;
        double xs[5] = { 0 }, ys[5] = { 0 };
        int stroke = _gen_int (g, 5, 7);

        _gen_paper (g);
        for (int i = 1; i <= n_x; i++)
          xs[i] = _gen_int (g, 4 + (28 / (n_x + 1)) * (i - 1), (28 / (n_x + 1)) * i + 2) / 32.0;
        for (int i = 1; i <= n_y; i++)
          ys[i] = _gen_int (g, 4 + (28 / (n_y + 1)) * (i - 1), (28 / (n_y + 1)) * i + 2) / 32.0;
        xs[n_x + 1] = ys[n_y + 1] = 1.0;
        for (int c = _gen_int (g, 2, 4); c > 0; c--)
          {
            int i = _gen_int (g, 0, n_x), j = _gen_int (g, 0, n_y);
            int slot = _atl_art_gen_ink (g);

            if (slot == rule)
              slot = g->vivid;
            field (g, xs[i], ys[j], xs[i + 1], ys[j + 1], slot, 2, 7);
          }
        for (int i = 1; i <= n_x; i++)
          _atl_art_gen_addf (g, ATL_ART_LINE, xs[i], 0.5, 1.0, 16, rule, 2, 7, stroke);
        for (int i = 1; i <= n_y; i++)
          _atl_art_gen_addf (g, ATL_ART_LINE, 0.5, ys[i], 1.0, 0, rule, 2, 7, stroke);
        break;
      }
    }
}

void
_atl_art_organic (AtlArtGen *g)
{
  int n_blobs = _gen_int (g, 3, 7);

  if (_gen_chance (g, 0.7))
    _atl_art_gen_background (g, g->lightest, _gen_int (g, 2, 3));
  else
    _atl_art_gen_background (g, _atl_art_gen_ink (g), _gen_int (g, 3, 4));
  for (int b = 0; b < n_blobs; b++)
    {
      double bx = _gen_real (g, 0.15, 0.85), by = _gen_real (g, 0.15, 0.85);
      int slot = _atl_art_gen_contrast (g, 14), alpha = _gen_int (g, 4, 7);

      if (_gen_chance (g, 0.3))
        {
          /* A frond: long leaves radiating from a point. */
          double e = _gen_real (g, 0.08, 0.16);
          int start = _gen_int (g, 0, 7), n = _gen_int (g, 3, 8);

          for (int i = 0; i < n; i++)
            {
              int d = (start + i) & 7;
              double a = d * M_PI / 4;

              _atl_art_gen_addf (g, ATL_ART_ELLIPSE, bx + e * cos (a), by + e * sin (a), e,
                                 _shape_box (d & 3, _gen_int (g, 4, 5)), slot, 2, alpha, 0);
            }
        }
      else
        {
          /* A blob: a few overlapping ellipses of one colour. */
          double e = _gen_real (g, 0.07, 0.18);

          for (int i = _gen_int (g, 2, 6); i > 0; i--)
            _atl_art_gen_addf (g, _gen_chance (g, 0.6) ? ATL_ART_ELLIPSE : ATL_ART_CIRCLE,
                               bx + _gen_real (g, -e, e), by + _gen_real (g, -e, e),
                               e * _gen_real (g, 0.6, 1.2),
                               _shape_box (_gen_int (g, 0, 3), _gen_int (g, 0, 3)), slot,
                               _gen_int (g, 1, 3), alpha, 0);
        }
    }
  for (int i = _gen_int (g, 0, 8); i > 0; i--)   /* seeds */
    _atl_art_gen_add (g, ATL_ART_CIRCLE, _gen_int (g, 2, 30), _gen_int (g, 2, 30),
                      _gen_int (g, 5, 9), 0, _atl_art_gen_contrast (g, 25), 2, 7, 0);
}

void
_atl_art_bauhaus_tiles (AtlArtGen *g)
{
  int k = _gen_chance (g, 0.3) ? 2 : 4, cell = 32 / k;
  int size_half = k == 4 ? 16 : 21;          /* extent 1/8 or 1/4: half a tile */
  int size_full = size_half + 5;              /* extent of a whole tile side */
  int motif_a = _gen_int (g, 0, 3), motif_b = _gen_int (g, 0, 3);
  int tile_ink[2] = { _atl_art_gen_ink (g), _atl_art_gen_ink (g) };

  _gen_paper (g);
  /* Tile grounds first, so motifs may lap over tile edges. */
  for (int j = 0; j < k; j++)
    for (int i = 0; i < k; i++)
      if (_gen_chance (g, 0.55))
        _atl_art_gen_add (g, ATL_ART_RECT, i * cell + cell / 2, j * cell + cell / 2, size_half,
                          _shape_box (0, 0), tile_ink[(i + j) % 2], 2, 7, 0);
  for (int j = 0; j < k; j++)
    for (int i = 0; i < k; i++)
      {
        int motif = _gen_chance (g, 0.5) ? motif_a : motif_b;
        int x0 = i * cell, y0 = j * cell, corner = _gen_int (g, 0, 3);
        int slot = _atl_art_gen_ink (g);

        switch (motif)
          {
          case 0:   /* quarter disc from a corner: top-left, top-right, bottom-right, -left */
            {
              static const int cx[4] = { 0, 1, 1, 0 }, cy[4] = { 0, 0, 1, 1 };

              /* A corner on the right or bottom border is off the grid (x, y ≤ 31). */
              if ((cx[corner] && i == k - 1) || (cy[corner] && j == k - 1))
                corner = 0;
              _atl_art_gen_add (g, ATL_ART_ARC, x0 + cx[corner] * cell, y0 + cy[corner] * cell,
                                size_full, _shape_arc (corner * 2, 0), slot, 2, 7, 0);
              break;
            }
          case 1:   /* half disc on an edge: top, right, bottom, left */
            {
              static const int ex[4] = { 1, 2, 1, 0 }, ey[4] = { 0, 1, 2, 1 };

              if ((ex[corner] == 2 && i == k - 1) || (ey[corner] == 2 && j == k - 1))
                corner = (corner + 2) & 3;
              _atl_art_gen_add (g, ATL_ART_ARC, x0 + ex[corner] * cell / 2,
                                y0 + ey[corner] * cell / 2, size_half, _shape_arc (corner * 2, 1),
                                slot, 2, 7, 0);
              break;
            }
          case 2:   /* a disc */
            _atl_art_gen_add (g, ATL_ART_CIRCLE, x0 + cell / 2, y0 + cell / 2,
                              size_half - _gen_int (g, 0, 3), 0, slot, 2, 7, 0);
            break;
          default:  /* a ring with a dot */
            _atl_art_gen_add (g, ATL_ART_CIRCLE, x0 + cell / 2, y0 + cell / 2, size_half - 2, 0,
                              slot, 2, 7, k == 4 ? 5 : 6);
            if (_gen_chance (g, 0.5))
              _atl_art_gen_add (g, ATL_ART_CIRCLE, x0 + cell / 2, y0 + cell / 2, size_half - 7,
                                0, _atl_art_gen_ink (g), 2, 7, 0);
            break;
          }
      }
}
