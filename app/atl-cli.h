/* atl-cli.h: the `atelier` command line.
 *
 * `atelier` with no arguments opens the studio; `atelier COMMAND …` runs a command headless
 * on the same store. Global options come before the command: `--store DIR`.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when argv asks for a headless command rather than the studio window. */
gboolean atl_cli_wants  (int    argc,
                         char **argv);
/* Runs the command; returns the process exit status (0 ok, 1 failure, 2 usage). */
int      atl_cli_run    (int    argc,
                         char **argv);

G_END_DECLS
