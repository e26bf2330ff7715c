/* atl-contact-sheet.c: the labelled contact sheet (see atl-contact-sheet.h).
 *
 * Layout: a label column on the left naming the family, then per_family tiles with a
 * small seed caption under each; a thin grey frame around each tile so light grounds
 * stay apart. The PNG goes through g_file_replace, which writes a temporary file beside
 * the target and renames it over the target only when the stream closes cleanly.
 */
#include "atl-contact-sheet.h"

#include <cairo.h>
#include <gio/gio.h>

#include "atl-art-codec.h"
#include "atl-art-render.h"
#include "atl-error.h"
#include "atl-generator.h"

#define LABEL_W  200
#define MARGIN   12
#define CAPTION  22

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  GOutputStream *stream = closure;

  return g_output_stream_write_all (stream, data, length, NULL, NULL, NULL)
           ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws one family's row at y; returns how many works it drew. */
static gboolean
draw_row (cairo_t        *cr,
          AtlGenerator   *gen,
          const AtlCodec *codec,
          AtlArtFamily    family,
          int             per_family,
          int             tile,
          double          y,
          GError        **error)
{
  g_autofree char *choice = g_strdup_printf ("family=%s", atl_art_family_name (family));
  const char *style_text[] = { choice, NULL };
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  g_autofree guint64 *seeds = g_new (guint64, per_family);
  AtlStylePrefix style;

  if (!atl_style_prefix_parse (codec, style_text, &style, error))
    return FALSE;
  for (int i = 0; i < per_family; i++)
    seeds[i] = (guint64) (i + 1);
  if (!atl_generator_sample (gen, &style, NULL, 0, per_family, seeds, 1.0f, 1.0f, works,
                             NULL, error))
    return FALSE;

  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 20);
  cairo_move_to (cr, MARGIN, y + tile / 2.0);
  cairo_show_text (cr, atl_art_family_name (family));

  for (int i = 0; i < per_family; i++)
    {
      double x = LABEL_W + i * (tile + MARGIN);
      guint len;
      const int *tokens = atl_token_set_get (works, (guint) i, &len);
      g_autofree char *caption = NULL;
      AtlArtwork art;
      AtlMsg msg;
      AtlStatus status = atl_art_decode (tokens, (int) len, &art, &msg);

      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);
      cairo_save (cr);
      cairo_translate (cr, x, y);
      atl_art_render (cr, &art, tile, tile);
      cairo_restore (cr);
      cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
      cairo_set_line_width (cr, 1.0);
      cairo_rectangle (cr, x - 0.5, y - 0.5, tile + 1, tile + 1);
      cairo_stroke (cr);

      caption = g_strdup_printf ("seed %d · %d elements · %s", i + 1, art.n_elements,
                                 atl_art_family_name ((AtlArtFamily) art.family));
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                              CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 12);
      cairo_move_to (cr, x, y + tile + 15);
      cairo_show_text (cr, caption);
    }
  return TRUE;
}

gboolean
atl_contact_sheet_write (AtlPolicy   *policy,
                         int          per_family,
                         int          tile,
                         const char  *path,
                         int         *out_n_works,
                         GError     **error)
{
  const AtlCodec *codec = atl_art_codec ();
  g_autoptr(AtlGenerator) gen = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GCancellable) abandon = g_cancellable_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int width, height;
  gboolean ok = TRUE;

  if (per_family < 1 || per_family > 64 || tile < 64 || tile > 1024)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "contact sheet: 1 … 64 works per family and tiles of 64 … 1024 px");
      return FALSE;
    }
  gen = atl_generator_new (policy, codec, error);
  if (gen == NULL)
    return FALSE;
  width = LABEL_W + per_family * (tile + MARGIN);
  height = MARGIN + ATL_ART_N_FAMILIES * (tile + CAPTION + MARGIN);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (int k = 0; k < ATL_ART_N_FAMILIES && ok; k++)
    ok = draw_row (cr, gen, codec, (AtlArtFamily) k, per_family, tile,
                   MARGIN + k * (tile + CAPTION + MARGIN), error);
  cairo_destroy (cr);

  if (ok)
    {
      stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                               error);
      ok = stream != NULL;
    }
  if (ok)
    {
      status = cairo_surface_write_to_png_stream (surface, write_cb, stream);
      if (status != CAIRO_STATUS_SUCCESS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write “%s”: %s", path,
                       cairo_status_to_string (status));
          /* Closing through a cancelled cancellable drops the temporary file. */
          g_cancellable_cancel (abandon);
          g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
          ok = FALSE;
        }
      else
        ok = g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
    }
  cairo_surface_destroy (surface);
  if (ok && out_n_works != NULL)
    *out_n_works = per_family * ATL_ART_N_FAMILIES;
  return ok;
}
