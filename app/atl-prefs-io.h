/* atl-prefs-io.h: the artist's preferences as JSONL, out of and into the store.
 *
 * One line per active comparison, in the usual preference-data shape (the keys of
 * TRL/DPO-style datasets, plus what Atelier knows about each side):
 *
 *   {"prompt": {…},                          the chosen work's prompt: sliders / prefix
 *    "chosen": {"tokens": [1, 17, …, 2],     int token ids, 1–ATL_STORE_MAX_TOKENS of them
 *               "seed": 4242,                integer ≥ 0 (a decimal string above 2^63 − 1)
 *               "temperature": 0.9,
 *               "model_version": 3,          N of vN in its session; null when unknown
 *               "prompt": {…}},              this side's own prompt
 *    "rejected": {…same keys…},
 *    "session": "Reels", "domain": "music",  domain: "art" | "music"
 *    "grid_position": 4,                     the winner's cell, or A/B side; null if none
 *    "kind": "grid",                         grid | ab | rating | edit | import
 *    "created": "2025-03-01T10:12:31.5Z"}    ISO 8601, UTC
 *
 * Import requires prompt, chosen, rejected, each side's tokens and seed, and domain; the
 * rest is optional (a side's prompt defaults to the line's, temperature to 1), but what is
 * present must have the right type. Lines may be blank.
 *
 * Import is all or nothing: every line is validated first, and if any is bad nothing is
 * imported and the error lists the bad lines as "FILE:LINE: why" (the first
 * ATL_PREFS_MAX_REPORTED of them). A half-imported file would leave the artist guessing
 * which preferences the studio learned from; fixing the file and importing again is clear.
 * Good files become works (each distinct work once) and comparisons of kind 'import', in
 * one transaction, in the named session — created with the lines' domain if missing.
 * Versions are not carried over: they belong to the store that exported them.
 */
#pragma once

#include <glib.h>

#include "atl-store.h"

G_BEGIN_DECLS

#define ATL_PREFS_ERROR (atl_prefs_error_quark ())

typedef enum
{
  ATL_PREFS_ERROR_IO,       /* the file cannot be read or written */
  ATL_PREFS_ERROR_INVALID,  /* one or more lines are not valid preference records */
  ATL_PREFS_ERROR_DOMAIN,   /* the lines' domain is not the session's (or mixed) */
} AtlPrefsError;

GQuark atl_prefs_error_quark (void);

/* Longest line read, in bytes: ATL_STORE_MAX_TOKENS tokens per side fit with room. */
#define ATL_PREFS_MAX_LINE (256 * 1024)
/* Bad lines listed in an import error; the rest are counted. */
#define ATL_PREFS_MAX_REPORTED 20

typedef struct
{
  guint n_lines;        /* records (blank lines not counted) */
  guint n_works;        /* distinct works added */
  gboolean created;     /* the session was created by the import */
} AtlPrefsImportStats;

/* The active comparisons of session_id (0 = every session), oldest first, as JSONL. */
char     *atl_prefs_export_to_string (AtlStore    *store,
                                      gint64       session_id,
                                      guint       *out_n_lines,
                                      GError     **error);
/* The same written atomically (temp file, fsync, rename) to path. */
gboolean  atl_prefs_export_file      (AtlStore    *store,
                                      gint64       session_id,
                                      const char  *path,
                                      guint       *out_n_lines,
                                      GError     **error);

/* Imports data (display_name names it in errors) into the session session_name. */
gboolean  atl_prefs_import_data      (AtlStore             *store,
                                      const char           *data,
                                      gsize                 length,
                                      const char           *display_name,
                                      const char           *session_name,
                                      AtlPrefsImportStats  *out_stats,
                                      GError              **error);
gboolean  atl_prefs_import_file      (AtlStore             *store,
                                      const char           *path,
                                      const char           *session_name,
                                      AtlPrefsImportStats  *out_stats,
                                      GError              **error);

G_END_DECLS
