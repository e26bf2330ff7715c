/* atl-export-task.h: writing works to files on a worker thread, one or many.
 *
 * A job is a list of (work, format, path) entries with the session's render settings;
 * the worker writes them in order through app/atl-work-export.h (atomic files), reports
 * the fraction done on the caller's main context after each file, and stops at the first
 * failure (the error names the file) or when cancelled.
 */
#pragma once

#include <gio/gio.h>

#include "atl-store.h"
#include "atl-synth.h"

G_BEGIN_DECLS

typedef struct _AtlExportJob AtlExportJob;

AtlExportJob *atl_export_job_new      (void);
void          atl_export_job_free     (AtlExportJob        *job);
/* Copies work; format is one of atl_work_export_formats (work->domain). */
void          atl_export_job_add      (AtlExportJob        *job,
                                       const AtlWork       *work,
                                       const char          *format,
                                       const char          *path,
                                       const char          *session_name,
                                       guint                version_number,
                                       const AtlSynthParams *synth,
                                       int                  size_px);
guint         atl_export_job_get_size (AtlExportJob        *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlExportJob, atl_export_job_free)

/* Synth params from a session's sliders JSON (key, tempo, timbre) over the defaults. */
void          atl_synth_params_from_sliders (const char     *sliders_json,
                                             int             sample_rate,
                                             AtlSynthParams *params);
/* "{session}-{title}-{seed}" → a file name (no extension) with / and control characters
 * replaced; title is the work's title or "work-<id>". */
char         *atl_export_file_name    (const char          *pattern,
                                       const AtlWork       *work,
                                       const char          *session_name);

typedef void (*AtlExportProgressFunc) (double   fraction,
                                       gpointer user_data);

/* Takes job. */
void          atl_export_job_run_async  (AtlExportJob          *job,
                                         AtlExportProgressFunc  progress,
                                         gpointer               progress_data,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
/* The number of files written, or -1 with error. */
int           atl_export_job_run_finish (GAsyncResult          *result,
                                         GError               **error);

G_END_DECLS
