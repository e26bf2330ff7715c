/* atl-cli-corpus.h: `atelier corpus`, a row of the command table in atl-cli.c. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* atelier corpus --domain music DIR: reads a corpus and reports what training would see. */
gboolean atl_cli_corpus_cb (int      argc,
                            char   **argv,
                            GError **error);

G_END_DECLS
