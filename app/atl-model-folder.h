/* atl-model-folder.h: a session's folder of checkpoint files, held while a version is
 * written, and swept of the temp files a killed writer leaves.
 *
 * atl_checkpoint_save writes "<final>.XXXXXX" beside the final name and renames it; a
 * process killed (SIGKILL, power cut) between the two leaves the temp file behind, and
 * each such kill would add one more. The trainer locks the folder (flock on the folder
 * itself, released by the kernel however the process ends) before it writes, and while it
 * holds the lock no other writer can own a temp file there, so every one it finds is
 * litter and is removed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtlModelFolder AtlModelFolder;

/* Creates dir if needed, waits for its lock and removes stale checkpoint temps
 * ("*.safetensors.XXXXXX"); out_n_removed (nullable) gets how many. */
AtlModelFolder *atl_model_folder_lock   (const char      *dir,
                                         guint           *out_n_removed,
                                         GError         **error);
/* Releases the lock. */
void            atl_model_folder_unlock (AtlModelFolder  *folder);

/* Whether name is a temp of atl_checkpoint_save: "<x>.safetensors." and six characters. */
gboolean        atl_model_folder_is_temp_name (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlModelFolder, atl_model_folder_unlock)

G_END_DECLS
