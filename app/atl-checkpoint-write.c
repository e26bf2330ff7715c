/* atl-checkpoint-write.c: saving checkpoints as safetensors files.
 *
 * The same checkpoint always gives the same bytes, so its sha256 can name it; and a save
 * goes through a temp file, fsync and rename, so a failed save never leaves a partial file
 * under the final name.
 */
#include "atl-checkpoint-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

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
          return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                            "cannot write: %s",
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
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                        "saved, but cannot open its folder to sync it: %s",
                                        g_strerror (saved));
    }

  result = fsync (fd);
  saved = errno;
  close (fd);
  if (result != 0 && saved != EINVAL && saved != ENOTSUP)
    return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
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
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                        "cannot create a temporary file beside it: %s",
                                        g_strerror (saved));
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
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot sync: %s",
                                        g_strerror (saved));
    }
  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp_path);
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display, "cannot close: %s",
                                        g_strerror (saved));
    }

  if (g_rename (tmp_path, path) != 0)
    {
      saved = errno;
      g_unlink (tmp_path);
      return _atl_checkpoint_set_error (error, ATL_CHECKPOINT_ERROR_IO, display,
                                        "cannot rename into place: %s", g_strerror (saved));
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
