/* atl-round.c: sampling a grid and storing it in one step. */
#include "atl-round.h"

#include <json-glib/json-glib.h>

#include "atl-error.h"
#include "atl-explore.h"
#include "atl-generator.h"

void
atl_round_spec_init (AtlRoundSpec *spec)
{
  *spec = (AtlRoundSpec) {
    .count = 12,
    .seed = 1,
    .temperature = 1.0f,
    .top_p = 1.0f,
    .style = NULL,
    .ranker = NULL,
    .exploration = 0.25,
  };
}

char *
atl_round_prompt_json (const AtlRoundSpec *spec)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "style");
  json_builder_begin_object (builder);
  for (gsize i = 0; spec->style != NULL && spec->style[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (spec->style[i], "=", 2);

      if (kv[0] != NULL && kv[1] != NULL)
        {
          json_builder_set_member_name (builder, kv[0]);
          json_builder_add_string_value (builder, kv[1]);
        }
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_double_value (builder, spec->temperature);
  json_builder_set_member_name (builder, "top_p");
  json_builder_add_double_value (builder, spec->top_p);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gint64
atl_round_draw (AtlStore            *store,
                const AtlSession    *session,
                AtlPolicy           *policy,
                gint64               version_id,
                const AtlRoundSpec  *spec,
                GArray              *out_work_ids,
                GError             **error)
{
  const AtlCodec *codec = atl_domain_get_codec (session->domain);
  g_autoptr(AtlGenerator) gen = NULL;
  g_autoptr(AtlTokenSet) works = atl_token_set_new ();
  g_autofree guint64 *seeds = NULL;
  g_autofree AtlWorkSpec *specs = NULL;
  g_autofree gint64 *ids = NULL;
  g_autofree char *prompt = NULL;
  AtlStylePrefix prefix;
  gint64 grid;

  if (spec->count < 1 || spec->count > 64)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "A round draws 1 to 64 works, not %d", spec->count);
      return 0;
    }
  if (!atl_style_prefix_parse (codec, spec->style, &prefix, error))
    return 0;
  gen = atl_generator_new (policy, codec, error);
  if (gen == NULL)
    return 0;

  seeds = g_new (guint64, spec->count);
  if (!atl_explore_draw (gen, &prefix, NULL, 0, spec->count, spec->seed, spec->temperature,
                         spec->top_p, spec->ranker, spec->exploration, works, seeds, error))
    return 0;

  prompt = atl_round_prompt_json (spec);
  specs = g_new0 (AtlWorkSpec, spec->count);
  for (int i = 0; i < spec->count; i++)
    {
      guint len;
      const int *seq = atl_token_set_get (works, i, &len);

      G_STATIC_ASSERT (sizeof (int) == sizeof (gint32));
      specs[i] = (AtlWorkSpec) {
        .tokens = (const gint32 *) seq,
        .n_tokens = len,
        .prompt_json = prompt,
        .seed = seeds[i],
        .temperature = spec->temperature,
        .version_id = version_id,
      };
    }
  ids = g_new (gint64, spec->count);
  grid = atl_store_add_grid (store, session->id, version_id, prompt, specs,
                             (guint) spec->count, ids, error);
  if (grid != 0 && out_work_ids != NULL)
    g_array_append_vals (out_work_ids, ids, (guint) spec->count);
  return grid;
}
