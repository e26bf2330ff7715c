/* atl-error.h: the application's error domains.
 *
 * App and UI code report failures as GError in one of these domains; an engine status
 * becomes an ATL_ENGINE_ERROR with the engine's message.
 */
#pragma once

#include <glib.h>

#include "atl-status.h"

G_BEGIN_DECLS

#define ATL_CLI_ERROR (atl_cli_error_quark ())
#define ATL_ENGINE_ERROR (atl_engine_error_quark ())

typedef enum
{
  ATL_CLI_ERROR_USAGE,      /* the command line is wrong */
  ATL_CLI_ERROR_UNKNOWN,    /* no such subcommand */
} AtlCliError;

GQuark atl_cli_error_quark    (void);
GQuark atl_engine_error_quark (void);

/* Sets error from an engine status and message; returns FALSE so callers can
 * `return atl_set_engine_error (error, status, &msg);`. */
gboolean atl_set_engine_error (GError      **error,
                               AtlStatus     status,
                               const AtlMsg *msg);

G_END_DECLS
