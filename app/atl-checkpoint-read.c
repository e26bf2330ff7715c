/* atl-checkpoint-read.c: loading safetensors checkpoints (the layout is described in
 * atl-checkpoint-private.h).
 *
 * A checkpoint file may come from anywhere (a damaged disk, an artist's download), so the
 * reader trusts nothing: the header length, every dtype, shape and offset are checked, the
 * offsets must tile the buffer exactly, and only then is a byte of tensor data copied.
 * Allocations are bounded by the real file size, never by a number read from the file.
 */
#include "atl-checkpoint-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atl-json-screen.h"

/* Our headers nest three deep (header, entry, shape). */
#define MAX_JSON_DEPTH 16

/* Safetensors headers are plain, shallow JSON (see atl-json-screen.h). Returns NULL if
 * the header passes, or what is wrong with it. */
const char *
_atl_checkpoint_check_plain_json (const char *text,
                                  gsize       length)
{
  return atl_json_screen (text, length, MAX_JSON_DEPTH);
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
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "a tensor has an empty name");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s” is not described by an object", name);
  object = json_node_get_object (node);

  /* The dtype first: every later size check assumes four bytes per element. */
  dtype = json_object_get_member (object, "dtype");
  if (dtype == NULL || !JSON_NODE_HOLDS_VALUE (dtype)
      || json_node_get_value_type (dtype) != G_TYPE_STRING)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s” has no dtype string", name);
  if (strcmp (json_node_get_string (dtype), "F32") != 0)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, display,
                                      "tensor “%s” has dtype %s; only F32 is supported",
                                      name, json_node_get_string (dtype));

  shape = json_object_get_member (object, "shape");
  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s” has no shape list", name);
  dims = json_node_get_array (shape);
  if (json_array_get_length (dims) > ATL_CHECKPOINT_MAX_DIMS)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, display,
                                      "tensor “%s” has %u dimensions; at most %d are supported",
                                      name, json_array_get_length (dims), ATL_CHECKPOINT_MAX_DIMS);
  entry->n_dims = json_array_get_length (dims);
  for (guint i = 0; i < ATL_CHECKPOINT_MAX_DIMS; i++)
    {
      entry->shape[i] = 1;
      if (i < entry->n_dims && !node_get_count (json_array_get_element (dims, i),
                                                &entry->shape[i]))
        return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                          "tensor “%s”: dimension %u is not a non-negative"
                                          " integer", name, i);
    }
  if (!_atl_checkpoint_shape_numel (entry->n_dims, entry->shape, &entry->numel))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s”: the shape's element count overflows or"
                                      " exceeds %" G_GUINT64_FORMAT, name, (guint64) MAX_NUMEL);

  offsets = json_object_get_member (object, "data_offsets");
  if (offsets == NULL || !JSON_NODE_HOLDS_ARRAY (offsets)
      || json_array_get_length (range = json_node_get_array (offsets)) != 2
      || !node_get_count (json_array_get_element (range, 0), &begin)
      || !node_get_count (json_array_get_element (range, 1), &end))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s”: data_offsets is not a pair of non-negative"
                                      " integers", name);
  if (begin > end)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s”: data_offsets [%" G_GINT64_FORMAT ", %"
                                      G_GINT64_FORMAT "] run backwards", name, begin, end);
  if ((guint64) end > buffer_length)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s”: data ends at byte %" G_GINT64_FORMAT
                                      ", past the %" G_GUINT64_FORMAT "-byte buffer",
                                      name, end, buffer_length);
  /* numel ≤ MAX_NUMEL, so 4·numel cannot overflow. */
  if ((guint64) (end - begin) != entry->numel * sizeof (float))
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "tensor “%s”: shape needs %" G_GUINT64_FORMAT
                                      " bytes but data_offsets span %" G_GINT64_FORMAT,
                                      name, entry->numel * sizeof (float), end - begin);

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
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                      "__metadata__ is not an object");

  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
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
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                 "out of memory for tensor “%s”", entry->name);
      _atl_checkpoint_tensor_free (t);
      return NULL;
    }
  if (t->numel > 0)
    memcpy (t->data, buffer + entry->begin, t->numel * sizeof (float));

  words = (guint32 *) t->data;
  for (gsize i = 0; i < t->numel; i++)
    {
      words[i] = GUINT32_FROM_LE (words[i]);
      if (!_atl_checkpoint_bits_are_finite (words[i]))
        {
          _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display,
                                     "tensor “%s” holds %s at element %" G_GSIZE_FORMAT,
                                     entry->name, (words[i] & 0x007fffffu) != 0 ? "NaN" : "Inf", i);
          _atl_checkpoint_tensor_free (t);
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
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the file is %" G_GSIZE_FORMAT " bytes, too short for a header",
                                 length);
      return NULL;
    }

  memcpy (&header_length, data, sizeof header_length);
  header_length = GUINT64_FROM_LE (header_length);
  if (header_length > ATL_CHECKPOINT_MAX_HEADER_SIZE)
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the header length %" G_GUINT64_FORMAT
                                 " is above the limit of %d bytes",
                                 header_length, ATL_CHECKPOINT_MAX_HEADER_SIZE);
      return NULL;
    }
  if (header_length > length - 8)
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the header length %" G_GUINT64_FORMAT " is more than the %"
                                 G_GSIZE_FORMAT " bytes that follow it (truncated?)",
                                 header_length, length - 8);
      return NULL;
    }

  header = (const char *) data + 8;
  buffer = data + 8 + header_length;
  buffer_length = length - 8 - header_length;

  /* UTF-8 validation with a length also rejects NUL bytes, which would cut the JSON short. */
  if (header_length == 0 || header[0] != '{')
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the header is not a JSON object");
      return NULL;
    }
  if (!g_utf8_validate_len (header, header_length, NULL))
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the header is not UTF-8 text");
      return NULL;
    }
  if ((problem = _atl_checkpoint_check_plain_json (header, header_length)) != NULL)
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
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
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the header is not valid JSON: %s", json_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the header is not a JSON object");
      return NULL;
    }
  if (duplicate != NULL)
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
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
          _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                     "tensor “%s” starts at byte %" G_GUINT64_FORMAT " where %"
                                     G_GUINT64_FORMAT " was expected (%s)",
                                     entry->name, entry->begin, expected,
                                     entry->begin < expected ? "it overlaps another tensor"
                                                             : "a gap");
          return NULL;
        }
      expected = entry->end;
    }
  if (expected != buffer_length)
    {
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_CORRUPT, display_name,
                                 "the tensors cover %" G_GUINT64_FORMAT " bytes but the buffer"
                                 " holds %" G_GUINT64_FORMAT, expected, buffer_length);
      return NULL;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      AtlCheckpointTensor *t = read_tensor (display_name, &g_array_index (entries, Entry, i),
                                            buffer, error);

      if (t == NULL)
        return NULL;
      _atl_checkpoint_take_tensor (cp, t);
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
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot open: %s",
                                        g_strerror (saved));
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                        "not a regular file");
    }
  if ((guint64) st.st_size > ATL_CHECKPOINT_MAX_FILE_SIZE)
    {
      close (fd);
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_UNSUPPORTED, display,
                                        "the file is %" G_GUINT64_FORMAT
                                        " bytes, more than Atelier reads", (guint64) st.st_size);
    }

  data = g_try_malloc (MAX ((gsize) st.st_size, 1));
  if (data == NULL)
    {
      close (fd);
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "out of memory");
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
          return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                            "cannot read: %s",
                                            n == 0 ? "the file shrank while being read"
                                                   : g_strerror (saved));
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
          _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_MISMATCH, display,
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
      _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot open: %s",
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
          _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot read: %s",
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
