/* atl-cli-generate.h: `atelier generate` and `atelier export`, rows of the command table. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shared by the commands that parse options with GOption: argv is what follows the
 * command name; a parse failure is an ATL_CLI_ERROR_USAGE naming the command. */
gboolean atl_cli_parse_options (const char    *command,
                                const char    *summary,
                                GOptionEntry  *entries,
                                int            argc,
                                char         **argv,
                                GError       **error);

gboolean atl_cli_generate_cb   (int      argc,
                                char   **argv,
                                GError **error);
gboolean atl_cli_export_cb     (int      argc,
                                char   **argv,
                                GError **error);

G_END_DECLS
