/* atl-checkpoint.c: reading and writing safetensors checkpoints.
 *
 * Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian u64 N, N
 * bytes of JSON header, then the byte buffer. The header maps each tensor name to
 * {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the buffer) and may
 * hold "__metadata__", an object of strings. Atelier stores only F32.
 *
 * A checkpoint file may come from anywhere (a damaged disk, an artist's download), so the
 * reader trusts nothing: the header length, every dtype, shape and offset are checked, the
 * offsets must tile the buffer exactly, and only then is a byte of tensor data copied.
 * Allocations are bounded by the real file size, never by a number read from the file.
 */
#include "atl-checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

G_DEFINE_QUARK (atl-checkpoint-error-quark, atl_checkpoint_error)

/* Elements per tensor: a tensor this big could not fit in a file we agree to read. */
#define MAX_NUMEL (ATL_CHECKPOINT_MAX_FILE_SIZE / sizeof (float))
/* Integers beyond 18 digits could exceed gint64; json-glib wraps them instead of failing. */
#define MAX_INT_DIGITS 18
/* Our headers nest three deep (header, entry, shape). json-glib parses recursively, so a
 * forged "[[[[…" would otherwise overflow the stack. */
#define MAX_JSON_DEPTH 16
#define IO_CHUNK (256 * 1024)

struct _AtlCheckpoint
{
  GPtrArray  *tensors;  /* AtlCheckpointTensor *, in file order */
  GHashTable *by_name;  /* name → tensor (borrowed from tensors) */
  GHashTable *meta;     /* key → value, both owned */
  char       *origin;   /* display name of the file it came from, for error messages */
};

static void
tensor_free (gpointer data)
{
  AtlCheckpointTensor *t = data;

  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

static gboolean G_GNUC_PRINTF (4, 5)
set_error (GError            **error,
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

static const char *check_plain_json (const char *text,
                                     gsize       length);

static const char *
cp_origin (AtlCheckpoint *cp)
{
  return cp->origin != NULL ? cp->origin : "(in memory)";
}

/* The whole bit pattern decides, so -ffast-math cannot fold the test away. */
static inline gboolean
bits_are_finite (guint32 bits)
{
  return (bits & 0x7f800000u) != 0x7f800000u;
}

/* Product of the dims, or FALSE on a negative dim, an overflow or a tensor above MAX_NUMEL. */
static gboolean
shape_numel (guint         n_dims,
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

  cp->tensors = g_ptr_array_new_with_free_func (tensor_free);
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
static void
take_tensor (AtlCheckpoint       *cp,
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
    return set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                      "“%s” is not a valid tensor name", name);
  if (g_hash_table_contains (cp->by_name, name))
    return set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                      "tensor “%s” is already present", name);
  if (n_dims > ATL_CHECKPOINT_MAX_DIMS)
    return set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, cp_origin (cp),
                      "tensor “%s” has %u dimensions; at most %d are supported",
                      name, n_dims, ATL_CHECKPOINT_MAX_DIMS);
  if (!shape_numel (n_dims, shape, &numel))
    return set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                      "tensor “%s” has a negative or too large shape", name);
  g_return_val_if_fail (numel == 0 || data != NULL, FALSE);

  /* A NaN saved is a model lost on the next load; refuse it here, where the bug is. */
  for (gsize i = 0; i < numel; i++)
    {
      guint32 bits;

      memcpy (&bits, &data[i], sizeof bits);
      if (!bits_are_finite (bits))
        return set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                          "tensor “%s” holds NaN or Inf at element %" G_GSIZE_FORMAT,
                          name, i);
    }

  t = g_new0 (AtlCheckpointTensor, 1);
  t->name = g_strdup (name);
  t->n_dims = n_dims;
  for (guint i = 0; i < ATL_CHECKPOINT_MAX_DIMS; i++)
    t->shape[i] = i < n_dims ? shape[i] : 1;
  t->numel = (gsize) numel;
  t->data = g_memdup2 (data, numel * sizeof (float));
  take_tensor (cp, t);
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
      set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
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

      set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
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
    set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
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
    return set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, cp_origin (cp),
                      "metadata “%s” is “%s”, not an integer from %" G_GINT64_FORMAT
                      " to %" G_GINT64_FORMAT, key, value, min, max);

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
  if (check_plain_json (value, strlen (value)) != NULL
      || !json_parser_load_from_data (parser, value, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_ARRAY (root))
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, cp_origin (cp),
                 "metadata “%s” is not a JSON list", key);
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, cp_origin (cp),
                     "metadata “%s”: item %u is not a string", key, i);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }

  return g_strv_builder_end (builder);
}

/* Reading. */

/* json-glib's scanner is more lenient than JSON, in ways a forged header could use: it
 * takes comments and single quotes, and it wraps integers past 64 bits instead of failing
 * (-99999999999999999999 reads as 1), and it recurses once per nesting level. Safetensors
 * headers are plain, shallow JSON, so outside strings only JSON's own characters are let
 * through, integers stay short enough to be exact and nesting stays shallow. Returns NULL
 * if the header passes, or what is wrong with it. */
static const char *
check_plain_json (const char *text,
                  gsize       length)
{
  gboolean in_string = FALSE;
  guint digits = 0;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;  /* the escaped character cannot end the string */
          else if (c == '"')
            in_string = FALSE;
          else if ((guchar) c < 0x20)
            return "a control character inside a string";
          continue;
        }

      if (g_ascii_isdigit (c))
        {
          if (++digits > MAX_INT_DIGITS)
            return "a number too long to be exact";
          continue;
        }
      digits = 0;

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return "lists or objects nested too deep";
        }
      else if (c == '}' || c == ']')
        depth = depth > 0 ? depth - 1 : 0;  /* unbalanced: the parser will say so */
      else if (c == '\0' || strchr (" \t\r\n{}[]:,+-.eEtruefalsn", c) == NULL)
        return "a character that is not JSON";
    }

  return in_string ? "an unterminated string" : NULL;
}

/* JsonParser keeps the last of two members with one name; a header that names a tensor
 * twice is ambiguous, so every object's member names are collected as they are parsed
 * (the signal comes after the member is stored, so the object cannot tell by itself). */
typedef struct
{
  GHashTable *names_by_object;  /* JsonObject * → set of names */
  char       *duplicate;        /* the first name seen twice */
} DuplicateCheck;

static void
object_member_cb (JsonParser *parser,
                  JsonObject *object,
                  const char *name,
                  gpointer    user_data)
{
  DuplicateCheck *check = user_data;
  GHashTable *names;

  if (check->duplicate != NULL)
    return;

  names = g_hash_table_lookup (check->names_by_object, object);
  if (names == NULL)
    {
      names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (check->names_by_object, object, names);
    }

  if (!g_hash_table_add (names, g_strdup (name)))
    check->duplicate = g_strdup (name);
}

/* One tensor entry of the header, checked but not yet read. */
typedef struct
{
  const char *name;   /* borrowed from the parsed header */
  guint       n_dims;
  gint64      shape[ATL_CHECKPOINT_MAX_DIMS];
  guint64     numel;
  guint64     begin;  /* byte offsets into the buffer */
  guint64     end;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = a, *y = b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return 0;
}

/* A non-negative JSON integer, or FALSE. */
static gboolean
node_get_count (JsonNode *node,
                gint64   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);
  return *out >= 0;
}

/* Checks one tensor entry against the buffer of buffer_length bytes. */
static gboolean
parse_entry (const char  *display,
             const char  *name,
             JsonNode    *node,
             guint64      buffer_length,
             Entry       *entry,
             GError     **error)
{
  JsonObject *object;
  JsonNode *dtype, *shape, *offsets;
  JsonArray *dims, *range;
  gint64 begin, end;

  entry->name = name;

  if (name[0] == '\0')
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display, "a tensor has an empty name");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s” is not described by an object", name);
  object = json_node_get_object (node);

  /* The dtype first: every later size check assumes four bytes per element. */
  dtype = json_object_get_member (object, "dtype");
  if (dtype == NULL || !JSON_NODE_HOLDS_VALUE (dtype)
      || json_node_get_value_type (dtype) != G_TYPE_STRING)
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s” has no dtype string", name);
  if (strcmp (json_node_get_string (dtype), "F32") != 0)
    return set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, display,
                      "tensor “%s” has dtype %s; only F32 is supported",
                      name, json_node_get_string (dtype));

  shape = json_object_get_member (object, "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s” has no shape list", name);
  dims = json_node_get_array (shape);
  if (json_array_get_length (dims) > ATL_CHECKPOINT_MAX_DIMS)
    return set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, display,
                      "tensor “%s” has %u dimensions; at most %d are supported",
                      name, json_array_get_length (dims), ATL_CHECKPOINT_MAX_DIMS);
  entry->n_dims = json_array_get_length (dims);
  for (guint i = 0; i < ATL_CHECKPOINT_MAX_DIMS; i++)
    {
      entry->shape[i] = 1;
      if (i < entry->n_dims && !node_get_count (json_array_get_element (dims, i),
                                                &entry->shape[i]))
        return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                          "tensor “%s”: dimension %u is not a non-negative integer", name, i);
    }
  if (!shape_numel (entry->n_dims, entry->shape, &entry->numel))
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s”: the shape's element count overflows or exceeds %"
                      G_GUINT64_FORMAT, name, (guint64) MAX_NUMEL);

  offsets = json_object_get_member (object, "data_offsets");
  if (offsets == NULL || !JSON_NODE_HOLDS_ARRAY (offsets)
      || json_array_get_length (range = json_node_get_array (offsets)) != 2
      || !node_get_count (json_array_get_element (range, 0), &begin)
      || !node_get_count (json_array_get_element (range, 1), &end))
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s”: data_offsets is not a pair of non-negative integers",
                      name);
  if (begin > end)
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s”: data_offsets [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                      "] run backwards", name, begin, end);
  if ((guint64) end > buffer_length)
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s”: data ends at byte %" G_GINT64_FORMAT
                      ", past the %" G_GUINT64_FORMAT "-byte buffer", name, end, buffer_length);
  /* numel ≤ MAX_NUMEL, so 4·numel cannot overflow. */
  if ((guint64) (end - begin) != entry->numel * sizeof (float))
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "tensor “%s”: shape needs %" G_GUINT64_FORMAT " bytes but data_offsets"
                      " span %" G_GINT64_FORMAT, name, entry->numel * sizeof (float),
                      end - begin);

  entry->begin = begin;
  entry->end = end;
  return TRUE;
}

static gboolean
parse_metadata (const char     *display,
                JsonNode       *node,
                AtlCheckpoint  *cp,
                GError        **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                      "__metadata__ is not an object");

  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                          "metadata “%s” is not a string", key);
      g_hash_table_replace (cp->meta, g_strdup (key), g_strdup (json_node_get_string (value)));
    }

  return TRUE;
}

/* Copies a checked entry out of the buffer, little-endian to host order, refusing NaN
 * and Inf: a model holding them would only spread them through every later step. */
static AtlCheckpointTensor *
read_tensor (const char    *display,
             const Entry   *entry,
             const guint8  *buffer,
             GError       **error)
{
  AtlCheckpointTensor *t;
  guint32 *words;

  t = g_new0 (AtlCheckpointTensor, 1);
  t->name = g_strdup (entry->name);
  t->n_dims = entry->n_dims;
  memcpy (t->shape, entry->shape, sizeof t->shape);
  t->numel = (gsize) entry->numel;
  t->data = g_try_new (float, t->numel);
  if (t->data == NULL && t->numel > 0)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "out of memory for tensor “%s”",
                 entry->name);
      tensor_free (t);
      return NULL;
    }
  if (t->numel > 0)
    memcpy (t->data, buffer + entry->begin, t->numel * sizeof (float));

  words = (guint32 *) t->data;
  for (gsize i = 0; i < t->numel; i++)
    {
      words[i] = GUINT32_FROM_LE (words[i]);
      if (!bits_are_finite (words[i]))
        {
          set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                     "tensor “%s” holds %s at element %" G_GSIZE_FORMAT, entry->name,
                     (words[i] & 0x007fffffu) != 0 ? "NaN" : "Inf", i);
          tensor_free (t);
          return NULL;
        }
    }

  return t;
}

AtlCheckpoint *
atl_checkpoint_load_from_data (const guint8  *data,
                               gsize          length,
                               const char    *display_name,
                               GError       **error)
{
  g_autoptr(AtlCheckpoint) cp = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) names_by_object = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *duplicate = NULL;
  DuplicateCheck check;
  const char *header, *problem;
  const guint8 *buffer;
  guint64 header_length, buffer_length, expected;
  JsonObject *root;
  gulong handler;
  gboolean parsed;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  if (length < 8)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the file is %" G_GSIZE_FORMAT " bytes, too short for a header", length);
      return NULL;
    }

  memcpy (&header_length, data, sizeof header_length);
  header_length = GUINT64_FROM_LE (header_length);
  if (header_length > ATL_CHECKPOINT_MAX_HEADER_SIZE)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header length %" G_GUINT64_FORMAT " is above the limit of %d bytes",
                 header_length, ATL_CHECKPOINT_MAX_HEADER_SIZE);
      return NULL;
    }
  if (header_length > length - 8)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header length %" G_GUINT64_FORMAT " is more than the %" G_GSIZE_FORMAT
                 " bytes that follow it (truncated?)", header_length, length - 8);
      return NULL;
    }

  header = (const char *) data + 8;
  buffer = data + 8 + header_length;
  buffer_length = length - 8 - header_length;

  /* UTF-8 validation with a length also rejects NUL bytes, which would cut the JSON short. */
  if (header_length == 0 || header[0] != '{')
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header is not a JSON object");
      return NULL;
    }
  if (!g_utf8_validate_len (header, header_length, NULL))
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header is not UTF-8 text");
      return NULL;
    }
  if ((problem = check_plain_json (header, header_length)) != NULL)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header is not plain JSON: it holds %s", problem);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  names_by_object = g_hash_table_new_full (NULL, NULL, NULL,
                                           (GDestroyNotify) g_hash_table_unref);
  check.names_by_object = names_by_object;
  check.duplicate = NULL;
  handler = g_signal_connect (parser, "object-member", G_CALLBACK (object_member_cb), &check);
  parsed = json_parser_load_from_data (parser, header, header_length, &json_error);
  g_signal_handler_disconnect (parser, handler);
  duplicate = g_steal_pointer (&check.duplicate);

  if (!parsed)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header is not valid JSON: %s", json_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header is not a JSON object");
      return NULL;
    }
  if (duplicate != NULL)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the header names “%s” twice", duplicate);
      return NULL;
    }

  cp = atl_checkpoint_new ();
  cp->origin = g_strdup (display_name);
  root = json_node_get_object (json_parser_get_root (parser));
  entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  members = json_object_get_members (root);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (root, name);
      Entry entry;

      if (strcmp (name, "__metadata__") == 0)
        {
          if (!parse_metadata (display_name, node, cp, error))
            return NULL;
          continue;
        }

      if (!parse_entry (display_name, name, node, buffer_length, &entry, error))
        return NULL;
      g_array_append_val (entries, entry);
    }

  /* Safetensors requires the tensors to tile the buffer: no overlap (two tensors sharing
   * bytes), no gap (bytes nobody owns, a place to hide data) and nothing after the end. */
  g_array_sort (entries, compare_entries);
  expected = 0;
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);

      if (entry->begin != expected)
        {
          set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                     "tensor “%s” starts at byte %" G_GUINT64_FORMAT " where %" G_GUINT64_FORMAT
                     " was expected (%s)", entry->name, entry->begin, expected,
                     entry->begin < expected ? "it overlaps another tensor" : "a gap");
          return NULL;
        }
      expected = entry->end;
    }
  if (expected != buffer_length)
    {
      set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                 "the tensors cover %" G_GUINT64_FORMAT " bytes but the buffer holds %"
                 G_GUINT64_FORMAT, expected, buffer_length);
      return NULL;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      AtlCheckpointTensor *t = read_tensor (display_name, &g_array_index (entries, Entry, i),
                                            buffer, error);

      if (t == NULL)
        return NULL;
      take_tensor (cp, t);
    }

  return g_steal_pointer (&cp);
}

/* Reads a whole regular file, after checking that its size is one we agree to hold. */
static gboolean
read_file (const char  *path,
           const char  *display,
           guint8     **out_data,
           gsize       *out_length,
           GError     **error)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot open: %s",
                        g_strerror (saved));
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "not a regular file");
    }
  if ((guint64) st.st_size > ATL_CHECKPOINT_MAX_FILE_SIZE)
    {
      close (fd);
      return set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, display,
                        "the file is %" G_GUINT64_FORMAT " bytes, more than Atelier reads",
                        (guint64) st.st_size);
    }

  data = g_try_malloc (MAX ((gsize) st.st_size, 1));
  if (data == NULL)
    {
      close (fd);
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "out of memory");
    }

  while (done < (gsize) st.st_size)
    {
      gssize n = read (fd, data + done, MIN ((gsize) st.st_size - done, IO_CHUNK));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot read: %s",
                            n == 0 ? "the file shrank while being read" : g_strerror (saved));
        }
      done += n;
    }
  close (fd);

  *out_data = g_steal_pointer (&data);
  *out_length = done;
  return TRUE;
}

AtlCheckpoint *
atl_checkpoint_load (const char  *path,
                     GError     **error)
{
  return atl_checkpoint_load_verified (path, NULL, error);
}

AtlCheckpoint *
atl_checkpoint_load_verified (const char  *path,
                              const char  *expected_sha256,
                              GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  if (!read_file (path, display, &data, &length, error))
    return NULL;

  if (expected_sha256 != NULL)
    {
      g_autofree char *actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);

      if (g_ascii_strcasecmp (actual, expected_sha256) != 0)
        {
          set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, display,
                     "sha256 is %s, expected %s; the file was changed or damaged",
                     actual, expected_sha256);
          return NULL;
        }
    }

  return atl_checkpoint_load_from_data (data, length, display, error);
}

char *
atl_file_sha256 (const char  *path,
                 GError     **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *display = NULL;
  g_autofree guint8 *chunk = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot open: %s",
                 g_strerror (saved));
      return NULL;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  chunk = g_malloc (IO_CHUNK);
  for (;;)
    {
      gssize n = read (fd, chunk, IO_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot read: %s",
                     g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, chunk, n);
    }
  close (fd);

  return g_strdup (g_checksum_get_string (checksum));
}

/* Writing. */

/* The JSON header, padded with spaces to a multiple of 8 bytes as the reference writer
 * does, so the buffer after it starts aligned. Metadata first and in key order, tensors
 * in checkpoint order: the same checkpoint always gives the same bytes (and sha256). */
static char *
build_header (AtlCheckpoint *cp,
              gsize         *out_length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) keys = atl_checkpoint_dup_meta_keys (cp);
  GString *text;
  guint64 offset = 0;

  json_builder_begin_object (builder);
  if (keys[0] != NULL)
    {
      json_builder_set_member_name (builder, "__metadata__");
      json_builder_begin_object (builder);
      for (gsize i = 0; keys[i] != NULL; i++)
        {
          json_builder_set_member_name (builder, keys[i]);
          json_builder_add_string_value (builder, g_hash_table_lookup (cp->meta, keys[i]));
        }
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < cp->tensors->len; i++)
    {
      const AtlCheckpointTensor *t = g_ptr_array_index (cp->tensors, i);

      json_builder_set_member_name (builder, t->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < t->n_dims; d++)
        json_builder_add_int_value (builder, t->shape[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) offset);
      offset += (guint64) t->numel * sizeof (float);
      json_builder_add_int_value (builder, (gint64) offset);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = g_string_new (NULL);
  json_generator_to_gstring (generator, text);
  while (text->len % 8 != 0)
    g_string_append_c (text, ' ');

  *out_length = text->len;
  return g_string_free (text, FALSE);
}

/* write() until everything is out; a short write is retried, and the retry reports why
 * (EFBIG, ENOSPC) the disk took no more. */
static gboolean
write_all (int           fd,
           const void   *bytes,
           gsize         length,
           GChecksum    *checksum,
           const char   *display,
           GError      **error)
{
  const guint8 *p = bytes;

  g_checksum_update (checksum, bytes, length);
  while (length > 0)
    {
      gssize n = write (fd, p, MIN (length, (gsize) G_MAXINT32));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot write: %s",
                            n == 0 ? "no space left" : g_strerror (saved));
        }
      p += n;
      length -= n;
    }

  return TRUE;
}

static gboolean
write_contents (AtlCheckpoint  *cp,
                int             fd,
                GChecksum      *checksum,
                const char     *display,
                GError        **error)
{
  g_autofree char *header = NULL;
  g_autofree guint32 *staging = NULL;
  gsize header_length;
  guint64 prefix;

  header = build_header (cp, &header_length);
  prefix = GUINT64_TO_LE ((guint64) header_length);
  if (!write_all (fd, &prefix, sizeof prefix, checksum, display, error)
      || !write_all (fd, header, header_length, checksum, display, error))
    return FALSE;

  for (guint i = 0; i < cp->tensors->len; i++)
    {
      const AtlCheckpointTensor *t = g_ptr_array_index (cp->tensors, i);

      if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
        {
          if (!write_all (fd, t->data, t->numel * sizeof (float), checksum, display, error))
            return FALSE;
          continue;
        }

      /* A big-endian host swaps through a staging buffer, one chunk at a time. */
      if (staging == NULL)
        staging = g_malloc (IO_CHUNK);
      for (gsize done = 0; done < t->numel;)
        {
          gsize n = MIN (t->numel - done, IO_CHUNK / sizeof (guint32));

          memcpy (staging, t->data + done, n * sizeof (guint32));
          for (gsize k = 0; k < n; k++)
            staging[k] = GUINT32_TO_LE (staging[k]);
          if (!write_all (fd, staging, n * sizeof (guint32), checksum, display, error))
            return FALSE;
          done += n;
        }
    }

  return TRUE;
}

/* Makes the rename itself durable. Some filesystems cannot sync a folder (EINVAL); there
 * the rename is as durable as it gets. */
static gboolean
sync_folder (const char  *path,
             const char  *display,
             GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd, result, saved;

  fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved = errno;
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                        "saved, but cannot open its folder to sync it: %s", g_strerror (saved));
    }

  result = fsync (fd);
  saved = errno;
  close (fd);
  if (result != 0 && saved != EINVAL && saved != ENOTSUP)
    return set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                      "saved, but cannot sync its folder: %s", g_strerror (saved));

  return TRUE;
}

gboolean
atl_checkpoint_save_with_sha256 (AtlCheckpoint  *cp,
                                 const char     *path,
                                 char          **out_sha256,
                                 GError        **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *display = NULL;
  g_autofree char *tmp_path = NULL;
  int fd, saved;

  g_return_val_if_fail (cp != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  display = g_filename_display_name (path);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* Beside the target, so the rename stays within one filesystem and is atomic. */
  tmp_path = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved = errno;
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                        "cannot create a temporary file beside it: %s", g_strerror (saved));
    }

  if (!write_contents (cp, fd, checksum, display, error))
    {
      close (fd);
      g_unlink (tmp_path);
      return FALSE;
    }

  /* The data must be on disk before the rename makes it the checkpoint; otherwise a
   * crash could leave the new name pointing at an empty file. */
  if (fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp_path);
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot sync: %s",
                        g_strerror (saved));
    }
  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp_path);
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot close: %s",
                        g_strerror (saved));
    }

  if (g_rename (tmp_path, path) != 0)
    {
      saved = errno;
      g_unlink (tmp_path);
      return set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot rename into place: %s",
                        g_strerror (saved));
    }

  if (!sync_folder (path, display, error))
    return FALSE;

  if (out_sha256 != NULL)
    *out_sha256 = g_strdup (g_checksum_get_string (checksum));
  return TRUE;
}

gboolean
atl_checkpoint_save (AtlCheckpoint  *cp,
                     const char     *path,
                     GError        **error)
{
  return atl_checkpoint_save_with_sha256 (cp, path, NULL, error);
}
