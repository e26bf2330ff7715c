/* atl-model-folder.c: the lock and the sweep of a session's checkpoint folder. */
#include "atl-model-folder.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct _AtlModelFolder
{
  int fd;   /* the folder, open for flock */
};

/* g_mkstemp's template: six characters from [A-Za-z0-9]. */
#define TEMP_SUFFIX ".safetensors."
#define TEMP_RANDOM 6

gboolean
atl_model_folder_is_temp_name (const char *name)
{
  const char *dot = g_strrstr (name, TEMP_SUFFIX);

  if (dot == NULL || dot == name || strlen (dot + strlen (TEMP_SUFFIX)) != TEMP_RANDOM)
    return FALSE;
  for (const char *c = dot + strlen (TEMP_SUFFIX); *c != '\0'; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;
  return TRUE;
}

AtlModelFolder *
atl_model_folder_lock (const char  *dir,
                       guint       *out_n_removed,
                       GError     **error)
{
  g_autoptr(GDir) listing = NULL;
  AtlModelFolder *folder;
  const char *name;
  guint n_removed = 0;
  int fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int err = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "Cannot create the model folder “%s”: %s", dir, g_strerror (err));
      return NULL;
    }
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      int err = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "Cannot lock the model folder “%s”: %s", dir, g_strerror (err));
      return NULL;
    }
  folder = g_new0 (AtlModelFolder, 1);
  folder->fd = fd;

  /* A failed listing or unlink only leaves litter; the write that follows is unaffected. */
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (atl_model_folder_is_temp_name (name))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        if (g_unlink (path) == 0)
          n_removed++;
      }
  if (out_n_removed != NULL)
    *out_n_removed = n_removed;
  return folder;
}

void
atl_model_folder_unlock (AtlModelFolder *folder)
{
  if (folder == NULL)
    return;
  /* Closing the last descriptor releases the flock. */
  close (folder->fd);
  g_free (folder);
}
