/* atl-work-edit.c: editing decoded works and storing the result (see the header).
 *
 * Hit testing renders rather than reimplementing each kind's geometry: the renderer is
 * the one truth of where a shape's ink is, outlines and arcs included.
 */
#include "atl-work-edit.h"

#include <cairo.h>
#include <string.h>

#include "atl-art-codec.h"
#include "atl-art-render.h"
#include "atl-error.h"
#include "atl-music-codec.h"
#include "atl-palettes.h"

#define HIT_SIDE 128

/* Is there ink of element `el` of art near pixel (px, py)? Two renders of the element
 * alone, in its darkest and lightest step: where they differ, the element is. */
static gboolean
element_covers (const AtlArtwork *art,
                const AtlArtElement *el,
                cairo_surface_t  *a,
                cairo_surface_t  *b,
                int               px,
                int               py)
{
  AtlArtwork one = *art;
  AtlMsg msg = { { 0 } };
  const guint32 *pa, *pb;
  int stride;

  one.n_elements = 1;
  one.complexity = (uint8_t) atl_art_complexity_for (1);
  one.elements[0] = *el;
  one.elements[0].alpha = ATL_ART_N_ALPHA - 1;
  one.elements[0].light = 0;
  if (atl_art_render_into (&one, a, &msg) != ATL_OK)
    return FALSE;
  one.elements[0].light = ATL_ART_N_LIGHT - 1;
  if (atl_art_render_into (&one, b, &msg) != ATL_OK)
    return FALSE;
  cairo_surface_flush (a);
  cairo_surface_flush (b);
  pa = (const guint32 *) cairo_image_surface_get_data (a);
  pb = (const guint32 *) cairo_image_surface_get_data (b);
  stride = cairo_image_surface_get_stride (a) / 4;
  /* y indexes rows, x columns of the 3 × 3 neighbourhood, clipped to the image. */
  for (int y = MAX (py - 1, 0); y <= MIN (py + 1, HIT_SIDE - 1); y++)
    for (int x = MAX (px - 1, 0); x <= MIN (px + 1, HIT_SIDE - 1); x++)
      if ((pa[y * stride + x] & 0xffffff) != (pb[y * stride + x] & 0xffffff))
        return TRUE;
  return FALSE;
}

int
atl_art_hit_test (const AtlArtwork *art,
                  double            u,
                  double            v)
{
  cairo_surface_t *a, *b;
  int px = (int) (u * HIT_SIDE), py = (int) (v * HIT_SIDE), hit = -1;

  if (u < 0 || u >= 1 || v < 0 || v >= 1)
    return -1;
  a = cairo_image_surface_create (CAIRO_FORMAT_RGB24, HIT_SIDE, HIT_SIDE);
  b = cairo_image_surface_create (CAIRO_FORMAT_RGB24, HIT_SIDE, HIT_SIDE);
  /* Painter's order: the last element is on top, so search from the end. */
  for (int i = art->n_elements - 1; i >= 0 && hit < 0; i--)
    if (element_covers (art, &art->elements[i], a, b, px, py))
      hit = i;
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  return hit;
}

gboolean
atl_art_delete_element (AtlArtwork *art,
                        int         i)
{
  if (i < 0 || i >= art->n_elements || art->n_elements <= 1)
    return FALSE;
  memmove (&art->elements[i], &art->elements[i + 1],
           (gsize) (art->n_elements - i - 1) * sizeof art->elements[0]);
  art->n_elements--;
  art->complexity = (uint8_t) atl_art_complexity_for (art->n_elements);
  return TRUE;
}

gboolean
atl_art_move_element (AtlArtwork *art,
                      int         i,
                      int         dx,
                      int         dy)
{
  AtlArtElement *el;
  int x, y;

  if (i < 0 || i >= art->n_elements)
    return FALSE;
  el = &art->elements[i];
  x = CLAMP (el->x + dx, 0, ATL_ART_GRID - 1);
  y = CLAMP (el->y + dy, 0, ATL_ART_GRID - 1);
  if (x == el->x && y == el->y)
    return FALSE;
  el->x = (uint8_t) x;
  el->y = (uint8_t) y;
  return TRUE;
}

gboolean
atl_art_recolour_element (AtlArtwork *art,
                          int         i,
                          int         slot,
                          int         light)
{
  if (i < 0 || i >= art->n_elements || art->palette >= ATL_N_PALETTES
      || slot < 0 || slot >= ATL_PALETTES[art->palette].n_colours
      || light < 0 || light >= ATL_ART_N_LIGHT)
    return FALSE;
  art->elements[i].slot = (uint8_t) slot;
  art->elements[i].light = (uint8_t) light;
  return TRUE;
}

gboolean
atl_melody_transpose_note (AtlMelody *melody,
                           int        i,
                           int        delta)
{
  int pitch;

  if (i < 0 || i >= melody->n_notes)
    return FALSE;
  pitch = CLAMP (melody->notes[i].pitch + delta, -12, 24);
  if (pitch == melody->notes[i].pitch)
    return FALSE;
  melody->notes[i].pitch = (int8_t) pitch;
  return TRUE;
}

gboolean
atl_melody_delete_note (AtlMelody *melody,
                        int        i)
{
  if (i < 0 || i >= melody->n_notes)
    return FALSE;
  memmove (&melody->notes[i], &melody->notes[i + 1],
           (gsize) (melody->n_notes - i - 1) * sizeof melody->notes[0]);
  melody->n_notes--;
  return TRUE;
}

gint64
atl_work_edit_save (AtlStore         *store,
                    const AtlWork    *original,
                    const AtlArtwork *art,
                    const AtlMelody  *melody,
                    GError          **error)
{
  int tokens[ATL_ART_MAX_LEN > ATL_MUSIC_MAX_LEN ? ATL_ART_MAX_LEN : ATL_MUSIC_MAX_LEN];
  gint32 stored[G_N_ELEMENTS (tokens)];
  const AtlCodec *codec;
  AtlMsg msg = { { 0 } };
  AtlStatus status;
  AtlWorkSpec spec = { 0 };
  gint64 work_id = 0;
  int len = 0;

  if (original->domain == ATL_DOMAIN_ART)
    {
      g_return_val_if_fail (art != NULL, 0);
      codec = atl_art_codec ();
      status = atl_art_encode (art, tokens, G_N_ELEMENTS (tokens), &len, &msg);
    }
  else
    {
      AtlMusicPrefix prefix;
      AtlMelody before;
      int orig[ATL_MUSIC_MAX_LEN];
      gsize n = MIN (original->n_tokens, G_N_ELEMENTS (orig));

      g_return_val_if_fail (melody != NULL, 0);
      codec = atl_music_codec ();
      /* The tune type is the one prefix field a melody cannot tell about itself. */
      for (gsize i = 0; i < n; i++)
        orig[i] = original->tokens[i];
      status = atl_music_decode (orig, (int) n, &before, &prefix, &msg);
      if (status == ATL_OK)
        {
          atl_music_prefix_of (melody, prefix.type, &prefix);
          status = atl_music_encode (melody, &prefix, tokens, G_N_ELEMENTS (tokens), &len, &msg);
        }
    }
  if (status == ATL_OK)
    status = codec->validate (codec, tokens, len, &msg);
  if (status != ATL_OK)
    return atl_set_engine_error (error, status, &msg) ? 0 : 0;

  for (int i = 0; i < len; i++)
    stored[i] = tokens[i];
  spec.tokens = stored;
  spec.n_tokens = (gsize) len;
  spec.prompt_json = original->prompt_json;
  spec.seed = original->seed;
  spec.temperature = original->temperature;
  spec.version_id = original->version_id;
  spec.parent_id = original->id;
  spec.title = original->title;
  if (!atl_store_commit_edit (store, original->id, &spec, &work_id, NULL, error))
    return 0;
  return work_id;
}
