/* atl-work-item.c: a stored work decoded for display. */
#include "atl-work-item.h"

#include <glib/gi18n.h>

#include "atl-art-codec.h"
#include "atl-art-render.h"
#include "atl-error.h"
#include "atl-music-codec.h"
#include "atl-thumbnail.h"

struct _AtlWorkItem
{
  GObject parent_instance;

  AtlWork      *work;
  AtlArtwork   *artwork;    /* art only */
  AtlMelody    *melody;     /* music only */
  AtlThumbnail *thumbnail;  /* art only, once rendered */
  guint         version_number;
  guint         round;

  gboolean favourite;
  gboolean rejected;
  gboolean locked;
};

enum {
  PROP_0,
  PROP_FAVOURITE,
  PROP_REJECTED,
  PROP_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtlWorkItem, atl_work_item, G_TYPE_OBJECT)

static void
atl_work_item_finalize (GObject *object)
{
  AtlWorkItem *self = ATL_WORK_ITEM (object);

  g_clear_pointer (&self->work, atl_work_free);
  g_clear_pointer (&self->artwork, g_free);
  g_clear_pointer (&self->melody, g_free);
  g_clear_object (&self->thumbnail);
  G_OBJECT_CLASS (atl_work_item_parent_class)->finalize (object);
}

static void
atl_work_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtlWorkItem *self = ATL_WORK_ITEM (object);

  switch (prop_id)
    {
    case PROP_FAVOURITE:
      g_value_set_boolean (value, self->favourite);
      break;
    case PROP_REJECTED:
      g_value_set_boolean (value, self->rejected);
      break;
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_work_item_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtlWorkItem *self = ATL_WORK_ITEM (object);

  switch (prop_id)
    {
    case PROP_FAVOURITE:
      atl_work_item_set_favourite (self, g_value_get_boolean (value));
      break;
    case PROP_REJECTED:
      atl_work_item_set_rejected (self, g_value_get_boolean (value));
      break;
    case PROP_LOCKED:
      atl_work_item_set_locked (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_work_item_class_init (AtlWorkItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = atl_work_item_finalize;
  object_class->get_property = atl_work_item_get_property;
  object_class->set_property = atl_work_item_set_property;

  properties[PROP_FAVOURITE] =
    g_param_spec_boolean ("favourite", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REJECTED] =
    g_param_spec_boolean ("rejected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atl_work_item_init (AtlWorkItem *self)
{
}

AtlWorkItem *
atl_work_item_new (AtlWork  *work,
                   GError  **error)
{
  g_autoptr(AtlWorkItem) self = g_object_new (ATL_TYPE_WORK_ITEM, NULL);
  G_STATIC_ASSERT (sizeof (int) == sizeof (gint32));
  const int *tokens = (const int *) work->tokens;
  AtlMsg msg = { { 0 } };
  AtlStatus status;

  self->work = work;
  if (work->domain == ATL_DOMAIN_ART)
    {
      self->artwork = g_new0 (AtlArtwork, 1);
      status = atl_art_decode (tokens, (int) work->n_tokens, self->artwork, &msg);
    }
  else
    {
      self->melody = g_new0 (AtlMelody, 1);
      status = atl_music_decode (tokens, (int) work->n_tokens, self->melody, NULL, &msg);
    }
  if (status != ATL_OK)
    {
      atl_set_engine_error (error, status, &msg);
      g_prefix_error (error, _("Work %lld does not decode: "), (long long) work->id);
      return NULL;
    }
  self->favourite = work->favourite;
  self->rejected = work->rejected;
  return g_steal_pointer (&self);
}

void
atl_work_item_render_thumbnail (AtlWorkItem *self,
                                int          size)
{
  AtlMsg msg = { { 0 } };
  cairo_surface_t *surface;

  if (self->artwork == NULL || self->thumbnail != NULL)
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  if (atl_art_render_into (self->artwork, surface, &msg) == ATL_OK)
    {
      cairo_surface_flush (surface);
      self->thumbnail = atl_thumbnail_new (surface);
    }
  cairo_surface_destroy (surface);
}

const AtlWork *
atl_work_item_get_work (AtlWorkItem *self)
{
  return self->work;
}

gint64
atl_work_item_get_id (AtlWorkItem *self)
{
  return self->work->id;
}

AtlDomain
atl_work_item_get_domain (AtlWorkItem *self)
{
  return self->work->domain;
}

const AtlArtwork *
atl_work_item_get_artwork (AtlWorkItem *self)
{
  return self->artwork;
}

const AtlMelody *
atl_work_item_get_melody (AtlWorkItem *self)
{
  return self->melody;
}

GdkPaintable *
atl_work_item_get_thumbnail (AtlWorkItem *self)
{
  return GDK_PAINTABLE (self->thumbnail);
}

char *
atl_work_item_dup_caption (AtlWorkItem *self)
{
  if (self->work->parent_id != 0)
    /* Translators: lineage of a work: its model version, round and parent work. */
    return g_strdup_printf (_("v%u · r%u · ↳"), self->version_number, self->round);
  /* Translators: lineage of a work, short: model version and round ("v2 · r5"). */
  return g_strdup_printf (_("v%u · r%u"), self->version_number, self->round);
}

char *
atl_work_item_dup_lineage (AtlWorkItem *self)
{
  if (self->work->parent_id != 0)
    /* Translators: lineage of a work: its model version, round and parent work. */
    return g_strdup_printf (_("Model version %u, round %u, from work #%lld"),
                            self->version_number, self->round,
                            (long long) self->work->parent_id);
  /* Translators: lineage of a work: the model version and round it came from. */
  return g_strdup_printf (_("Model version %u, round %u"), self->version_number, self->round);
}

void
atl_work_item_set_lineage (AtlWorkItem *self,
                           guint        version_number,
                           guint        round)
{
  self->version_number = version_number;
  self->round = round;
}

void
atl_work_item_read_lineage (AtlWorkItem *self,
                            AtlStore    *store)
{
  g_autoptr(AtlGrid) grid = NULL;
  g_autoptr(AtlModelVersion) version = NULL;

  if (self->work->grid_id != 0)
    grid = atl_store_get_grid (store, self->work->grid_id, NULL);
  if (self->work->version_id != 0)
    version = atl_store_get_version (store, self->work->version_id, NULL);
  atl_work_item_set_lineage (self, version ? version->number : 0, grid ? grid->round : 0);
}

guint
atl_work_item_get_version_number (AtlWorkItem *self)
{
  return self->version_number;
}

guint
atl_work_item_get_round (AtlWorkItem *self)
{
  return self->round;
}

#define DEFINE_FLAG(name, PROP, field)                                              \
  gboolean atl_work_item_get_##name (AtlWorkItem *self) { return self->field; }     \
  void atl_work_item_set_##name (AtlWorkItem *self, gboolean value)                 \
  {                                                                                 \
    value = !!value;                                                                \
    if (self->field == value)                                                       \
      return;                                                                       \
    self->field = value;                                                            \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);                   \
  }

DEFINE_FLAG (favourite, PROP_FAVOURITE, favourite)
DEFINE_FLAG (rejected, PROP_REJECTED, rejected)
DEFINE_FLAG (locked, PROP_LOCKED, locked)
