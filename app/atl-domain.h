/* atl-domain.h: the two domains by name, and what the app needs of each.
 *
 * Everything domain-specific that the app's shared code reaches for (the codec, the
 * default model size, how a pretraining corpus is made) is looked up here, so the
 * pretrainer, the generator and the tuner are written once.
 */
#pragma once

#include <glib.h>

#include "atl-codec.h"
#include "atl-policy.h"
#include "atl-token-set.h"

G_BEGIN_DECLS

typedef enum
{
  ATL_DOMAIN_ART,
  ATL_DOMAIN_MUSIC,
} AtlDomain;

/* "art" / "music"; from_string is FALSE for anything else. */
const char     *atl_domain_to_string      (AtlDomain    domain);
gboolean        atl_domain_from_string    (const char  *name,
                                           AtlDomain   *out_domain);
/* The same with a usage error for the command line. */
gboolean        atl_domain_parse          (const char  *name,
                                           AtlDomain   *out_domain,
                                           GError     **error);
const AtlCodec *atl_domain_get_codec      (AtlDomain    domain);
/* The session the command line uses when none is named: "Art sketchbook" etc. */
const char     *atl_domain_default_session_name (AtlDomain domain);
/* DESIGN.md's starting size: d_model 128, 4 layers, 4 heads; context = the codec's
 * longest sequence. */
void            atl_domain_default_config (AtlDomain        domain,
                                           AtlPolicyConfig *out_config);

/* The pretraining corpus. Music: source is a folder (or file) of ABC/MIDI, split by tune.
 * Art: source is "procedural", count compositions drawn from the style families with
 * the seed (a tenth, by index, held out). report (nullable) gets a human summary. */
gboolean        atl_domain_load_corpus    (AtlDomain      domain,
                                           const char    *source,
                                           guint          count,
                                           guint64        seed,
                                           AtlTokenSet  **out_train,
                                           AtlTokenSet  **out_val,
                                           GString       *report,
                                           GError       **error);

G_END_DECLS
