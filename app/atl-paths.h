/* atl-paths.h: where Atelier keeps its data.
 *
 * The store lives in $XDG_DATA_HOME/atelier unless the command line names another folder
 * (`--store DIR`), which is how scripts and tests keep their own store apart.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Overrides the store folder for the rest of the process; NULL restores the default. */
void   atl_paths_set_store_dir (const char *dir);
/* The store folder, owned by the caller. */
char  *atl_paths_dup_store_dir (void);
/* Creates the store folder (mode 0700) if missing. */
gboolean atl_paths_ensure_store_dir (GError **error);

G_END_DECLS
