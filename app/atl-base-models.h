/* atl-base-models.h: finding the shipped base models and loading any model version.
 *
 * v0 of every session is the domain's shipped base (models/<domain>-base.safetensors),
 * found in the installed data folder, then the source tree (a development build run from
 * build/); $ATL_MODELS_DIR, when set, is the only place looked in. Later versions are checkpoint files recorded in the
 * store with their sha256, verified on load; a damaged current version is reported and
 * the newest loadable ancestor is used instead, so the studio never stops generating.
 */
#pragma once

#include <glib.h>

#include "atl-domain.h"
#include "atl-policy.h"
#include "atl-store.h"

G_BEGIN_DECLS

/* The base checkpoint's path for domain, or NULL with an error naming where it looked. */
char      *atl_base_model_path          (AtlDomain                domain,
                                         GError                 **error);

/* The policy of one version (v0: the shipped base). */
AtlPolicy *atl_version_load_policy      (const AtlModelVersion   *version,
                                         AtlDomain                domain,
                                         GError                 **error);

/* The policy of the session's current version, falling back along parents (and finally
 * to v0) when a file is missing or damaged. out_version gets the version actually loaded;
 * out_problem (nullable) a human sentence about what was skipped, or NULL. */
AtlPolicy *atl_session_load_policy      (AtlStore                *store,
                                         const AtlSession        *session,
                                         AtlModelVersion        **out_version,
                                         char                   **out_problem,
                                         GError                 **error);

/* The session's v0: the base it is tuned from, its KL anchor and the reward model's
 * embedding. */
AtlPolicy *atl_session_load_base        (AtlStore                *store,
                                         const AtlSession        *session,
                                         GError                 **error);

G_END_DECLS
