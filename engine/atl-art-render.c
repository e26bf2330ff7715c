/* atl-art-render.c: element geometry (the table in atl-artwork.h made concrete) and the
 * Cairo file helpers.
 *
 * Geometry is built in the unit square; fills and strokes happen after the path-local
 * transforms are undone, so an outlined ellipse keeps a uniform line width.
 */
#include "atl-art-render.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>

#include "atl-palettes.h"

#define MAX_IMAGE_SIDE 16384

static const double ARC_SWEEP[4] = { 90.0, 180.0, 270.0, 330.0 };
static const double DEG = M_PI / 180.0;

static void
path_polygon (cairo_t *cr, double cx, double cy, double r, int n, double rot)
{
  for (int k = 0; k < n; k++)
    {
      double a = -M_PI / 2 + rot + 2 * M_PI * k / n;

      if (k == 0)
        cairo_move_to (cr, cx + r * cos (a), cy + r * sin (a));
      else
        cairo_line_to (cr, cx + r * cos (a), cy + r * sin (a));
    }
  cairo_close_path (cr);
}

static void
path_dot (cairo_t *cr, double x, double y, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, r, 0, 2 * M_PI);
}

/* A dot field: every dot of one field in one path, filled once. */
static void
path_dots (cairo_t *cr, double cx, double cy, double e, int shape, int radius_index)
{
  double sp = e * ATL_ART_DOT_SPACING[shape % 8];
  double r = sp * ATL_ART_DOT_RADIUS[radius_index];
  int k = (int) floor (e / sp);

  switch (shape / 8)
    {
    case 0:   /* square grid filling a square of half-side e */
      for (int j = -k; j <= k; j++)
        for (int i = -k; i <= k; i++)
          path_dot (cr, cx + i * sp, cy + j * sp, r);
      break;
    case 1:   /* hex grid inside the disc */
      {
        double dy = sp * 0.8660254;
        int rows = (int) floor (e / dy);

        for (int j = -rows; j <= rows; j++)
          for (int i = -k - 1; i <= k + 1; i++)
            {
              double x = (i + (j & 1) * 0.5) * sp, y = j * dy;

              if (x * x + y * y <= e * e)
                path_dot (cr, cx + x, cy + y, r);
            }
        break;
      }
    case 2:   /* concentric rings */
      path_dot (cr, cx, cy, r);
      for (int ring = 1; ring <= k; ring++)
        {
          double rr = ring * sp;
          int n = (int) lround (2 * M_PI * rr / sp);

          for (int i = 0; i < n; i++)
            path_dot (cr, cx + rr * cos (2 * M_PI * i / n), cy + rr * sin (2 * M_PI * i / n), r);
        }
      break;
    default:  /* phyllotaxis spiral: one dot per sp² of the disc */
      {
        int n = (int) (M_PI * e * e / (sp * sp));
        const double golden = M_PI * (3.0 - sqrt (5.0));

        for (int i = 0; i < n; i++)
          {
            double rr = e * sqrt ((i + 0.5) / n), a = i * golden;

            path_dot (cr, cx + rr * cos (a), cy + rr * sin (a), r);
          }
        break;
      }
    }
}

static void
draw_element (cairo_t *cr, const AtlArtwork *art, const AtlArtElement *el)
{
  double cx = (double) el->x / ATL_ART_GRID, cy = (double) el->y / ATL_ART_GRID;
  double e = atl_art_extent (el->size);
  AtlRgb c = atl_palette_colour (art->palette, el->slot, el->light, ATL_ART_LIGHT_STEP);
  int stroked = el->stroke > 0;
  int s = el->shape;

  cairo_new_path (cr);
  switch ((AtlArtKind) el->kind)
    {
    case ATL_ART_CIRCLE:
      cairo_arc (cr, cx, cy, e, 0, 2 * M_PI);
      break;
    case ATL_ART_ELLIPSE:
    case ATL_ART_RECT:
      {
        double asp = ATL_ART_ASPECT[s % 8];

        cairo_save (cr);
        cairo_translate (cr, cx, cy);
        cairo_rotate (cr, (s / 8) * 45.0 * DEG);
        if (el->kind == ATL_ART_RECT)
          cairo_rectangle (cr, -e, -e * asp, 2 * e, 2 * e * asp);
        else
          {
            cairo_scale (cr, e, e * asp);
            cairo_arc (cr, 0, 0, 1, 0, 2 * M_PI);
          }
        cairo_restore (cr);
        break;
      }
    case ATL_ART_POLYGON:
      {
        int n = 3 + s / 4;

        path_polygon (cr, cx, cy, e, n, (s % 4) / 4.0 * 2 * M_PI / n);
        break;
      }
    case ATL_ART_LINE:
      {
        double a = s * M_PI / 32;

        cairo_move_to (cr, cx - e * cos (a), cy - e * sin (a));
        cairo_line_to (cr, cx + e * cos (a), cy + e * sin (a));
        stroked = 1;
        break;
      }
    case ATL_ART_QUAD:
    case ATL_ART_CUBIC:
      {
        double a = (s / 2) * 22.5 * DEG;
        double ux = cos (a), uy = sin (a), px = -uy, py = ux;   /* chord and normal */
        double x0 = cx - e * ux, y0 = cy - e * uy, x1 = cx + e * ux, y1 = cy + e * uy;

        cairo_move_to (cr, x0, y0);
        if (el->kind == ATL_ART_QUAD)
          {
            /* The quadratic through control q, raised to the cubic Cairo draws. */
            double b = e * (s % 2 ? 1.1 : 0.5);
            double qx = cx + b * px, qy = cy + b * py;

            cairo_curve_to (cr, x0 + 2.0 / 3 * (qx - x0), y0 + 2.0 / 3 * (qy - y0),
                            x1 + 2.0 / 3 * (qx - x1), y1 + 2.0 / 3 * (qy - y1), x1, y1);
          }
        else
          {
            double b = 0.9 * e, b2 = s % 2 ? b : -b;

            cairo_curve_to (cr, x0 + (2.0 / 3) * e * ux + b * px, y0 + (2.0 / 3) * e * uy + b * py,
                            x1 - (2.0 / 3) * e * ux + b2 * px, y1 - (2.0 / 3) * e * uy + b2 * py,
                            x1, y1);
          }
        stroked = 1;
        break;
      }
    case ATL_ART_ARC:
      {
        double a0 = (s / 4) * 45.0 * DEG, a1 = a0 + ARC_SWEEP[s % 4] * DEG;

        if (stroked)
          cairo_arc (cr, cx, cy, e, a0, a1);
        else
          {
            cairo_move_to (cr, cx, cy);
            cairo_arc (cr, cx, cy, e, a0, a1);
            cairo_close_path (cr);
          }
        break;
      }
    case ATL_ART_DOTS:
      path_dots (cr, cx, cy, e, s, el->stroke);
      stroked = 0;
      break;
    default:
      return;
    }
  cairo_set_source_rgba (cr, c.r, c.g, c.b, (el->alpha + 1) / 8.0);
  if (stroked)
    {
      cairo_set_line_width (cr, ATL_ART_STROKE[el->stroke > 0 ? el->stroke : 1]);
      cairo_stroke (cr);
    }
  else
    cairo_fill (cr);
}

void
atl_art_render (cairo_t *cr, const AtlArtwork *art, double width, double height)
{
  double side = fmax (width, height);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (atl_artwork_check (art, NULL) != ATL_OK)
    {
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      cairo_paint (cr);
      cairo_restore (cr);
      return;
    }
  cairo_translate (cr, (width - side) / 2, (height - side) / 2);
  cairo_scale (cr, side, side);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_GOOD);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);

  AtlRgb bg = atl_palette_colour (art->palette, art->bg_slot, art->bg_light,
                                  ATL_ART_BG_LIGHT_STEP);
  cairo_set_source_rgb (cr, bg.r, bg.g, bg.b);
  cairo_paint (cr);
  for (int i = 0; i < art->n_elements; i++)
    draw_element (cr, art, &art->elements[i]);
  cairo_restore (cr);
}

AtlStatus
atl_art_render_into (const AtlArtwork *art, cairo_surface_t *image, AtlMsg *msg)
{
  cairo_t *cr;
  AtlStatus status = ATL_OK;

  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    return atl_fail (msg, ATL_ERR_INVALID, "render target: %s",
                     cairo_status_to_string (cairo_surface_status (image)));
  cr = cairo_create (image);
  atl_art_render (cr, art, cairo_image_surface_get_width (image),
                  cairo_image_surface_get_height (image));
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    status = atl_fail (msg, ATL_ERR_INVALID, "render: %s",
                       cairo_status_to_string (cairo_status (cr)));
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return status;
}

cairo_surface_t *
atl_art_render_image (const AtlArtwork *art, int width, int height, AtlMsg *msg)
{
  cairo_surface_t *image;

  if (width < 1 || height < 1 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)
    {
      atl_fail (msg, ATL_ERR_RANGE, "image size %d × %d outside 1 … %d", width, height,
                MAX_IMAGE_SIDE);
      return NULL;
    }
  if (atl_artwork_check (art, msg) != ATL_OK)
    return NULL;
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  if (atl_art_render_into (art, image, msg) != ATL_OK)
    {
      cairo_surface_destroy (image);
      return NULL;
    }
  return image;
}

/* Draws art on a vector surface and finishes it, so every byte reaches the stream. */
static AtlStatus
finish_vector (cairo_surface_t *surface, const AtlArtwork *art, double size_pt, AtlMsg *msg)
{
  cairo_t *cr = cairo_create (surface);
  cairo_status_t st;

  atl_art_render (cr, art, size_pt, size_pt);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  st = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (st != CAIRO_STATUS_SUCCESS)
    return atl_fail (msg, ATL_ERR_IO, "vector output: %s", cairo_status_to_string (st));
  return ATL_OK;
}

static AtlStatus
check_vector_args (const AtlArtwork *art, double size_pt, AtlMsg *msg)
{
  if (!(size_pt >= 1.0 && size_pt <= 14400.0))
    return atl_fail (msg, ATL_ERR_RANGE, "page size %g pt outside 1 … 14400", size_pt);
  return atl_artwork_check (art, msg);
}

AtlStatus
atl_art_write_svg_stream (const AtlArtwork *art, double size_pt, cairo_write_func_t write,
                          void *closure, AtlMsg *msg)
{
  AtlStatus status = check_vector_args (art, size_pt, msg);

  if (status != ATL_OK)
    return status;
  return finish_vector (cairo_svg_surface_create_for_stream (write, closure, size_pt, size_pt),
                        art, size_pt, msg);
}

AtlStatus
atl_art_write_pdf_stream (const AtlArtwork *art, double size_pt, cairo_write_func_t write,
                          void *closure, AtlMsg *msg)
{
  AtlStatus status = check_vector_args (art, size_pt, msg);

  if (status != ATL_OK)
    return status;
  return finish_vector (cairo_pdf_surface_create_for_stream (write, closure, size_pt, size_pt),
                        art, size_pt, msg);
}

AtlStatus
atl_art_write_svg (const AtlArtwork *art, double size_pt, const char *path, AtlMsg *msg)
{
  AtlStatus status = check_vector_args (art, size_pt, msg);

  if (status != ATL_OK)
    return status;
  status = finish_vector (cairo_svg_surface_create (path, size_pt, size_pt), art, size_pt, msg);
  if (status != ATL_OK)
    return atl_fail (msg, status, "%s: cannot write SVG", path);
  return ATL_OK;
}

AtlStatus
atl_art_write_pdf (const AtlArtwork *art, double size_pt, const char *path, AtlMsg *msg)
{
  AtlStatus status = check_vector_args (art, size_pt, msg);

  if (status != ATL_OK)
    return status;
  status = finish_vector (cairo_pdf_surface_create (path, size_pt, size_pt), art, size_pt, msg);
  if (status != ATL_OK)
    return atl_fail (msg, status, "%s: cannot write PDF", path);
  return ATL_OK;
}

AtlStatus
atl_art_write_png (const AtlArtwork *art, int size_px, const char *path, AtlMsg *msg)
{
  cairo_surface_t *image = atl_art_render_image (art, size_px, size_px, msg);
  cairo_status_t st;

  if (image == NULL)
    return ATL_ERR_INVALID;
  st = cairo_surface_write_to_png (image, path);
  cairo_surface_destroy (image);
  if (st != CAIRO_STATUS_SUCCESS)
    return atl_fail (msg, ATL_ERR_IO, "%s: cannot write PNG: %s", path,
                     cairo_status_to_string (st));
  return ATL_OK;
}
