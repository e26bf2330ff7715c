/* atl-cli-store.h: the store's commands — `atelier sessions`, `versions`, `prefer` —
 * rows of the command table in atl-cli.c. All honour the global `--store DIR`.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* sessions [list | new NAME --domain art|music | rename OLD NEW | delete NAME] */
gboolean atl_cli_sessions_cb (int      argc,
                              char   **argv,
                              GError **error);
/* versions SESSION [--restore N | --reset] */
gboolean atl_cli_versions_cb (int      argc,
                              char   **argv,
                              GError **error);
/* prefer --export FILE [--session NAME] | --import FILE --session NAME */
gboolean atl_cli_prefer_cb   (int      argc,
                              char   **argv,
                              GError **error);

G_END_DECLS
