/* atl-error.c: error quarks, and the bridge from engine status codes to GError. */
#include "atl-error.h"

G_DEFINE_QUARK (atl-cli-error-quark, atl_cli_error)
G_DEFINE_QUARK (atl-engine-error-quark, atl_engine_error)

gboolean
atl_set_engine_error (GError       **error,
                      AtlStatus      status,
                      const AtlMsg  *msg)
{
  g_return_val_if_fail (status != ATL_OK, TRUE);

  g_set_error (error, ATL_ENGINE_ERROR, (int) status, "%s",
               msg != NULL && msg->text[0] != '\0' ? msg->text : atl_status_name (status));
  return FALSE;
}
