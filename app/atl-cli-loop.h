/* atl-cli-loop.h: the learning loop's commands — `pick`, `train`, `export-prefs`,
 * `import-prefs` and `demo` — rows of the command table in atl-cli.c. All honour the
 * global `--store DIR`.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* pick --grid G --favorite ID… [--reject ID…] */
gboolean atl_cli_pick_cb         (int      argc,
                                  char   **argv,
                                  GError **error);
/* train [--session NAME] [--domain D] [--rounds N] [--steps N] [--method rloo|dpo] */
gboolean atl_cli_train_cb        (int      argc,
                                  char   **argv,
                                  GError **error);
/* export-prefs --out FILE [--session NAME] */
gboolean atl_cli_export_prefs_cb (int      argc,
                                  char   **argv,
                                  GError **error);
/* import-prefs FILE --session NAME */
gboolean atl_cli_import_prefs_cb (int      argc,
                                  char   **argv,
                                  GError **error);
/* demo [--domain D] [--taste NAME] [--rounds N] [--steps N] [--out DIR] */
gboolean atl_cli_demo_cb         (int      argc,
                                  char   **argv,
                                  GError **error);

G_END_DECLS
