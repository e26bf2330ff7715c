/* atl-paths.c: the store folder, overridable once per process. */
#include "atl-paths.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

static char *store_override;

void
atl_paths_set_store_dir (const char *dir)
{
  g_free (store_override);
  store_override = dir != NULL ? g_canonicalize_filename (dir, NULL) : NULL;
}

char *
atl_paths_dup_store_dir (void)
{
  if (store_override != NULL)
    return g_strdup (store_override);
  return g_build_filename (g_get_user_data_dir (), "atelier", NULL);
}

gboolean
atl_paths_ensure_store_dir (GError **error)
{
  g_autofree char *dir = atl_paths_dup_store_dir ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the store folder “%s”: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
