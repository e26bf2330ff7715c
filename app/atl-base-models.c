/* atl-base-models.c: base model lookup and version loading with fallback. */
#include "atl-base-models.h"

#include "atl-config.h"
#include "atl-model.h"

char *
atl_base_model_path (AtlDomain   domain,
                     GError    **error)
{
  g_autofree char *name = g_strdup_printf ("%s-base.safetensors",
                                           atl_domain_to_string (domain));
  const char *override = g_getenv ("ATL_MODELS_DIR");
  const char *dirs[] = { MODELS_DIR, SOURCE_MODELS_DIR };
  const char *only[] = { override };
  const char **search = dirs;
  gsize n_search = G_N_ELEMENTS (dirs);

  /* $ATL_MODELS_DIR replaces the search rather than joining it, so a test or a user can
   * say exactly which models exist (an empty folder: none). */
  if (override != NULL && override[0] != '\0')
    {
      search = only;
      n_search = 1;
    }

  for (gsize i = 0; i < n_search; i++)
    {
      g_autofree char *path = NULL;

      path = g_build_filename (search[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
               "The %s base model “%s” is not installed (looked in %s)",
               atl_domain_to_string (domain), name,
               search == only ? override : MODELS_DIR " and " SOURCE_MODELS_DIR);
  return NULL;
}

AtlPolicy *
atl_version_load_policy (const AtlModelVersion  *version,
                         AtlDomain               domain,
                         GError                **error)
{
  const AtlCodec *codec = atl_domain_get_codec (domain);
  g_autofree char *base = NULL;

  if (version->path == NULL)
    {
      base = atl_base_model_path (domain, error);
      if (base == NULL)
        return NULL;
      return atl_model_load (base, NULL, codec, error);
    }
  return atl_model_load (version->path, version->sha256, codec, error);
}

AtlPolicy *
atl_session_load_policy (AtlStore           *store,
                         const AtlSession   *session,
                         AtlModelVersion   **out_version,
                         char              **out_problem,
                         GError            **error)
{
  g_autoptr(AtlModelVersion) version = NULL;
  g_autoptr(GString) problem = NULL;

  version = atl_store_get_current_version (store, session->id, error);
  if (version == NULL)
    return NULL;

  while (TRUE)
    {
      g_autoptr(GError) local = NULL;
      AtlPolicy *policy = atl_version_load_policy (version, session->domain, &local);
      gint64 parent;

      if (policy != NULL)
        {
          if (out_problem != NULL)
            *out_problem = problem ? g_string_free (g_steal_pointer (&problem), FALSE) : NULL;
          if (out_version != NULL)
            *out_version = g_steal_pointer (&version);
          return policy;
        }
      if (version->number == 0)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }

      /* Report this version and try its parent: a damaged file must not stop the studio. */
      if (problem == NULL)
        problem = g_string_new (NULL);
      g_string_append_printf (problem, "%sVersion %u cannot be used (%s)",
                              problem->len ? "; " : "", version->number, local->message);
      parent = version->parent_id;
      g_clear_pointer (&version, atl_model_version_free);
      if (parent != 0)
        version = atl_store_get_version (store, parent, NULL);
      if (version == NULL)
        {
          g_autoptr(GPtrArray) all = atl_store_list_versions (store, session->id, error);

          if (all == NULL || all->len == 0)
            return NULL;
          /* v0 is first in number order. */
          version = atl_store_get_version (store,
                                           ((AtlModelVersion *) all->pdata[0])->id, error);
          if (version == NULL)
            return NULL;
        }
      g_string_append_printf (problem, ", using version %u instead", version->number);
    }
}

AtlPolicy *
atl_session_load_base (AtlStore          *store,
                       const AtlSession  *session,
                       GError           **error)
{
  g_autoptr(GPtrArray) all = atl_store_list_versions (store, session->id, error);

  if (all == NULL)
    return NULL;
  if (all->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "The session “%s” has no base version", session->name);
      return NULL;
    }
  /* v0 is first in number order. */
  return atl_version_load_policy (all->pdata[0], session->domain, error);
}
