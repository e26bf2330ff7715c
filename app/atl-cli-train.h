/* atl-cli-train.h: `atelier pretrain` and `atelier eval`, rows of the command table. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* atelier pretrain --domain D --corpus SRC --out FILE [options]: trains a base model. */
gboolean atl_cli_pretrain_cb (int      argc,
                              char   **argv,
                              GError **error);
/* atelier eval --domain D --model FILE --corpus SRC: mean NLL per token of a model. */
gboolean atl_cli_eval_cb     (int      argc,
                              char   **argv,
                              GError **error);

G_END_DECLS
