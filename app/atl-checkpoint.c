/* atl-checkpoint.c: the AtlCheckpoint object, its tensors and its metadata.
 *
 * In memory a checkpoint is an ordered list of F32 tensors with a name index, and a table
 * of string metadata. Tensors are checked as they are added (name, rank, shape, NaN and
 * Inf) by the rules the reader applies to a file, so that a save never writes what the
 * next load would refuse. Files are read in atl-checkpoint-read.c and written in
 * atl-checkpoint-write.c.
 */
#include "atl-checkpoint-private.h"

#include <stdarg.h>
#include <string.h>

#include <json-glib/json-glib.h>

G_DEFINE_QUARK (atl-checkpoint-error-quark, atl_checkpoint_error)

void
_atl_checkpoint_tensor_free (gpointer data)
{
  AtlCheckpointTensor *t = data;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

gboolean
_atl_checkpoint_set_error (GError            **error,
                           AtlCheckpointError  code,
                           const char         *display_name,
                           const char         *format,
                           ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, ATL_CHECKPOINT_ERROR, code, "Checkpoint “%s”: %s", display_name, what);
  return FALSE;
}

static const char *
cp_origin (AtlCheckpoint *cp)
{
  return cp->origin != NULL ? cp->origin : "(in memory)";
}

/* Product of the dims, or FALSE on a negative dim, an overflow or a tensor above MAX_NUMEL. */
gboolean
_atl_checkpoint_shape_numel (guint         n_dims,
                             const gint64 *shape,
                             guint64      *out_numel)
{
  guint64 numel = 1;

  for (guint i = 0; i < n_dims; i++)
    {
      if (shape[i] < 0 || !g_uint64_checked_mul (&numel, numel, (guint64) shape[i])
          || numel > MAX_NUMEL)
        return FALSE;
    }

  *out_numel = numel;
  return TRUE;
}

AtlCheckpoint *
atl_checkpoint_new (void)
{
  AtlCheckpoint *cp = g_new0 (AtlCheckpoint, 1);

  cp->tensors = g_ptr_array_new_with_free_func (_atl_checkpoint_tensor_free);
  cp->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  cp->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cp;
}

void
atl_checkpoint_free (AtlCheckpoint *cp)
{
  if (cp == NULL)
    return;

  g_hash_table_unref (cp->by_name);
  g_ptr_array_unref (cp->tensors);
  g_hash_table_unref (cp->meta);
  g_free (cp->origin);
  g_free (cp);
}

/* Takes t; the caller has checked that its name is new. */
void
_atl_checkpoint_take_tensor (AtlCheckpoint       *cp,
                             AtlCheckpointTensor *t)
{
  g_ptr_array_add (cp->tensors, t);
  g_hash_table_insert (cp->by_name, t->name, t);
}

gboolean
atl_checkpoint_add_tensor (AtlCheckpoint  *cp,
                           const char     *name,
                           guint           n_dims,
                           const gint64   *shape,
                           const float    *data,
                           GError        **error)
{
  AtlCheckpointTensor *t;
  guint64 numel;

  g_return_val_if_fail (cp != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (n_dims == 0 || shape != NULL, FALSE);

  /* The name goes into a JSON header, where "__metadata__" is taken and text is UTF-8. */
  if (name[0] == '\0' || !g_utf8_validate (name, -1, NULL)
      || strcmp (name, "__metadata__") == 0)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                      "“%s” is not a valid tensor name", name);
  if (g_hash_table_contains (cp->by_name, name))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                      "tensor “%s” is already present", name);
  if (n_dims > ATL_CHECKPOINT_MAX_DIMS)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, cp_origin (cp),
                                      "tensor “%s” has %u dimensions; at most %d are supported",
                                      name, n_dims, ATL_CHECKPOINT_MAX_DIMS);
  if (!_atl_checkpoint_shape_numel (n_dims, shape, &numel))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                      "tensor “%s” has a negative or too large shape", name);
  g_return_val_if_fail (numel == 0 || data != NULL, FALSE);

  /* A NaN saved is a model lost on the next load; refuse it here, where the bug is. */
  for (gsize i = 0; i < numel; i++)
    {
      guint32 bits;

      memcpy (&bits, &data[i], sizeof bits);
      if (!_atl_checkpoint_bits_are_finite (bits))
        return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                          "tensor “%s” holds NaN or Inf at element %"
                                          G_GSIZE_FORMAT, name, i);
    }

  t = g_new0 (AtlCheckpointTensor, 1);
  t->name = g_strdup (name);
  t->n_dims = n_dims;
  for (guint i = 0; i < ATL_CHECKPOINT_MAX_DIMS; i++)
    t->shape[i] = i < n_dims ? shape[i] : 1;
  t->numel = (gsize) numel;
  t->data = g_memdup2 (data, numel * sizeof (float));
  _atl_checkpoint_take_tensor (cp, t);
  return TRUE;
}

guint
atl_checkpoint_get_n_tensors (AtlCheckpoint *cp)
{
  g_return_val_if_fail (cp != NULL, 0);

  return cp->tensors->len;
}

const AtlCheckpointTensor *
atl_checkpoint_get_tensor_at (AtlCheckpoint *cp,
                              guint          index)
{
  g_return_val_if_fail (cp != NULL, NULL);
  g_return_val_if_fail (index < cp->tensors->len, NULL);

  return g_ptr_array_index (cp->tensors, index);
}

const AtlCheckpointTensor *
atl_checkpoint_lookup (AtlCheckpoint *cp,
                       const char    *name)
{
  g_return_val_if_fail (cp != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (cp->by_name, name);
}

static char *
shape_to_string (guint         n_dims,
                 const gint64 *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

const float *
atl_checkpoint_get_tensor (AtlCheckpoint  *cp,
                           const char     *name,
                           guint           n_dims,
                           const gint64   *expected_shape,
                           GError        **error)
{
  const AtlCheckpointTensor *t;
  gboolean same;

  g_return_val_if_fail (cp != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (n_dims == 0 || expected_shape != NULL, NULL);

  t = g_hash_table_lookup (cp->by_name, name);
  if (t == NULL)
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                 "tensor “%s” is missing", name);
      return NULL;
    }

  same = t->n_dims == n_dims;
  for (guint i = 0; same && i < n_dims; i++)
    same = t->shape[i] == expected_shape[i];
  if (!same)
    {
      g_autofree char *want = shape_to_string (n_dims, expected_shape);
      g_autofree char *have = shape_to_string (t->n_dims, t->shape);

      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                 "tensor “%s” has shape %s, expected %s", name, have, want);
      return NULL;
    }

  return t->data;
}

void
atl_checkpoint_set_meta (AtlCheckpoint *cp,
                         const char    *key,
                         const char    *value)
{
  g_return_if_fail (cp != NULL);
  g_return_if_fail (key != NULL && g_utf8_validate (key, -1, NULL));
  g_return_if_fail (value != NULL && g_utf8_validate (value, -1, NULL));

  g_hash_table_replace (cp->meta, g_strdup (key), g_strdup (value));
}

void
atl_checkpoint_set_meta_int (AtlCheckpoint *cp,
                             const char    *key,
                             gint64         value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  atl_checkpoint_set_meta (cp, key, text);
}

void
atl_checkpoint_set_meta_strv (AtlCheckpoint      *cp,
                              const char         *key,
                              const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (strv != NULL);

  json_builder_begin_array (builder);
  for (gsize i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  atl_checkpoint_set_meta (cp, key, text);
}

const char *
atl_checkpoint_lookup_meta (AtlCheckpoint *cp,
                            const char    *key)
{
  g_return_val_if_fail (cp != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (cp->meta, key);
}

/* qsort callback over an array of strings. */
static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
atl_checkpoint_dup_meta_keys (AtlCheckpoint *cp)
{
  g_autofree const char **keys = NULL;
  GStrv result;
  guint n;

  g_return_val_if_fail (cp != NULL, NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (cp->meta, &n);
  qsort (keys, n, sizeof *keys, compare_strings);
  result = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    result[i] = g_strdup (keys[i]);
  return result;
}

const char *
atl_checkpoint_get_meta_string (AtlCheckpoint  *cp,
                                const char     *key,
                                GError        **error)
{
  const char *value;

  g_return_val_if_fail (cp != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  value = g_hash_table_lookup (cp->meta, key);
  if (value == NULL)
    _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                               "metadata “%s” is missing", key);
  return value;
}

gboolean
atl_checkpoint_get_meta_int (AtlCheckpoint  *cp,
                             const char     *key,
                             gint64          min,
                             gint64          max,
                             gint64         *out_value,
                             GError        **error)
{
  const char *value;
  gint64 number;

  g_return_val_if_fail (out_value != NULL, FALSE);

  value = atl_checkpoint_get_meta_string (cp, key, error);
  if (value == NULL)
    return FALSE;

  if (!g_ascii_string_to_signed (value, 10, min, max, &number, NULL))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                                      "metadata “%s” is “%s”, not an integer from %"
                                      G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                                      key, value, min, max);

  *out_value = number;
  return TRUE;
}

GStrv
atl_checkpoint_dup_meta_strv (AtlCheckpoint  *cp,
                              const char     *key,
                              GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *value;
  JsonNode *root;
  JsonArray *array;

  value = atl_checkpoint_get_meta_string (cp, key, error);
  if (value == NULL)
    return NULL;

  /* The value came from the file: the same leniency and recursion hazards as the header. */
  if (_atl_checkpoint_check_plain_json (value, strlen (value)) != NULL
      || !json_parser_load_from_data (parser, value, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_ARRAY (root))
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, cp_origin (cp),
                                 "metadata “%s” is not a JSON list", key);
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, cp_origin (cp),
                                     "metadata “%s”: item %u is not a string", key, i);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }

  return g_strv_builder_end (builder);
}
