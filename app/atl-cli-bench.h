/* atl-cli-bench.h: `atelier bench music|art …` and `atelier contact-sheet`, the quality
 * and speed reports of the two domains' base models. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean atl_cli_bench_music_cb   (int      argc,
                                   char   **argv,
                                   GError **error);
gboolean atl_cli_bench_art_cb     (int      argc,
                                   char   **argv,
                                   GError **error);
gboolean atl_cli_contact_sheet_cb (int      argc,
                                   char   **argv,
                                   GError **error);

G_END_DECLS
