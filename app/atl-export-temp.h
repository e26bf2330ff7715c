/* atl-export-temp.h: the temporary files exports write before renaming them into place.
 *
 * Every exporter (art, audio, MIDI) writes "<folder>/.<name>.atl-tmp-<pid>-XXXXXX" and
 * renames it over "<folder>/<name>" once it is complete, so a reader sees the old file or
 * the new one, never half of one. A writer killed in between (SIGKILL, power loss) leaves
 * its temp file behind; the name says it is ours and which process wrote it, so the next
 * export to that folder can tell a leftover from another writer's file in progress and
 * remove it (see atl_export_temp_sweep for the rule).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The part of a temp file's name that marks it as ours. */
#define ATL_EXPORT_TEMP_MARK ".atl-tmp-"

/* A leftover is removed once untouched this long if its writer is gone from this
 * machine's process table, or once untouched ATL_EXPORT_TEMP_MAX_AGE_S whatever its pid. */
#define ATL_EXPORT_TEMP_DEAD_AGE_S 60
#define ATL_EXPORT_TEMP_MAX_AGE_S  3600

/* A template for g_mkstemp_full beside `path` (owned). */
char     *atl_export_temp_template (const char *path);

/* Removes the leftovers of killed exports from the folder `path` will be written to, and
 * returns how many went. Errors are ignored: a leftover that cannot go now goes later. */
guint     atl_export_temp_sweep    (const char *path);

/* Writes `data` to `path` atomically through an export temp file: temp, fsync, rename,
 * fsync of the folder. Errors name `path`. */
gboolean  atl_export_temp_set_contents (const char  *path,
                                        const void  *data,
                                        gsize        len,
                                        GError     **error);

G_END_DECLS
