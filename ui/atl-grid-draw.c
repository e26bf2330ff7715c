/* atl-grid-draw.c: the worker behind the grid. */
#include "atl-grid-draw.h"

#include <glib/gi18n.h>

#include "atl-art-codec.h"
#include "atl-base-models.h"
#include "atl-explore.h"
#include "atl-generator.h"
#include "atl-music-codec.h"
#include "atl-round.h"

struct _AtlPolicyCache
{
  GMutex           lock;
  gint64           key_version_id;   /* the current version it was loaded for */
  AtlPolicy       *policy;
  AtlModelVersion *loaded;           /* what actually loaded (a fallback may differ) */
  char            *problem;
  gint64           base_session_id;  /* the session whose v0 base is */
  AtlPolicy       *base;             /* the reward model's embedding, for the ranker */
};

AtlPolicyCache *
atl_policy_cache_new (void)
{
  AtlPolicyCache *cache = g_new0 (AtlPolicyCache, 1);

  g_mutex_init (&cache->lock);
  return cache;
}

void
atl_policy_cache_clear (AtlPolicyCache *cache)
{
  g_mutex_lock (&cache->lock);
  g_clear_pointer (&cache->policy, atl_policy_free);
  g_clear_pointer (&cache->loaded, atl_model_version_free);
  g_clear_pointer (&cache->problem, g_free);
  g_clear_pointer (&cache->base, atl_policy_free);
  cache->key_version_id = 0;
  cache->base_session_id = 0;
  g_mutex_unlock (&cache->lock);
}

void
atl_policy_cache_free (AtlPolicyCache *cache)
{
  if (cache == NULL)
    return;
  atl_policy_cache_clear (cache);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

AtlDrawRequest *
atl_draw_request_new (void)
{
  AtlDrawRequest *request = g_new0 (AtlDrawRequest, 1);

  request->count = 12;
  request->temperature = 1.0f;
  request->pool = TRUE;
  request->thumb_size = 320;
  return request;
}

void
atl_draw_request_free (AtlDrawRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->store_dir);
  g_strfreev (request->style);
  g_free (request->keep_ids);
  g_free (request);
}

void
atl_draw_result_free (AtlDrawResult *result)
{
  if (result == NULL)
    return;
  g_free (result->problem);
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_free (result);
}

int
atl_work_keep_prefix_len (const AtlWork *work)
{
  int n = (int) work->n_tokens;

  if (work->domain == ATL_DOMAIN_ART)
    {
      int elements = (n - 2 - ATL_ART_PREFIX_LEN) / ATL_ART_TOKENS_PER_ELEMENT;

      return 1 + ATL_ART_PREFIX_LEN + MAX (elements / 3, 1) * ATL_ART_TOKENS_PER_ELEMENT;
    }
  else
    {
      /* BOS, prefix, then each bar is BAR + steps_per_bar events; keep two bars at most,
       * and never the whole melody. */
      int bars_seen = 0;

      for (int i = 1 + ATL_MUSIC_PREFIX_LEN; i < n; i++)
        if (work->tokens[i] == ATL_MUSIC_TOK_BAR && ++bars_seen == 3)
          return i;
      return 1 + ATL_MUSIC_PREFIX_LEN;
    }
}

int
atl_work_continue_prefix_len (const AtlWork *work)
{
  int n = (int) work->n_tokens;

  if (work->domain == ATL_DOMAIN_ART)
    {
      int elements = (n - 2 - ATL_ART_PREFIX_LEN) / ATL_ART_TOKENS_PER_ELEMENT;

      return 1 + ATL_ART_PREFIX_LEN + CLAMP (elements / 2, 1, MAX (elements - 1, 1))
                                      * ATL_ART_TOKENS_PER_ELEMENT;
    }
  else
    {
      /* i indexes tokens; a BAR token opens each bar, so the prompt ends just before the
       * bar that starts the second half. */
      int bars = 0, seen = 0;

      for (int i = 1 + ATL_MUSIC_PREFIX_LEN; i < n; i++)
        bars += work->tokens[i] == ATL_MUSIC_TOK_BAR;
      for (int i = 1 + ATL_MUSIC_PREFIX_LEN; i < n; i++)
        if (work->tokens[i] == ATL_MUSIC_TOK_BAR && ++seen == MAX (bars / 2, 1) + 1)
          return i;
      return atl_work_keep_prefix_len (work);
    }
}

typedef struct
{
  AtlDrawItemFunc func;
  gpointer        data;
  GCancellable   *cancellable;
  int             position;
  AtlWorkItem    *item;
} ItemPost;

static gboolean
item_post_cb (gpointer user_data)
{
  ItemPost *post = user_data;

  if (!g_cancellable_is_cancelled (post->cancellable))
    post->func (post->position, post->item, post->data);
  return G_SOURCE_REMOVE;
}

static void
item_post_free (gpointer user_data)
{
  ItemPost *post = user_data;

  g_clear_object (&post->item);
  g_clear_object (&post->cancellable);
  g_free (post);
}

typedef struct
{
  AtlDrawRequest *request;
  AtlPolicyCache *cache;
  AtlDrawItemFunc item_func;
  gpointer        item_data;
  GMainContext   *context;
} DrawData;

static void
draw_data_free (DrawData *data)
{
  atl_draw_request_free (data->request);
  g_main_context_unref (data->context);
  g_free (data);
}

/* The session's reward model for choosing the new cells from a pool (atl-explore.h), or
 * NULL before its first comparison. The base it embeds with stays cached per session. */
static AtlLearner *
ranker_for (AtlStore          *store,
            const AtlSession  *session,
            AtlPolicyCache    *cache,
            GError           **error)
{
  if (cache->base == NULL || cache->base_session_id != session->id)
    {
      g_clear_pointer (&cache->base, atl_policy_free);
      cache->base = atl_session_load_base (store, session, error);
      if (cache->base == NULL)
        return NULL;
      cache->base_session_id = session->id;
    }
  return atl_explore_ranker_new (store, session, cache->base, error);
}

/* Samples the new cells with the cached policy; seeds (count) gets each one's seed. */
static gboolean
sample_new_cells (AtlStore          *store,
                  const AtlSession  *session,
                  AtlDrawRequest    *req,
                  AtlPolicyCache    *cache,
                  AtlTokenSet       *drawn,
                  guint64           *seeds,
                  GError           **error)
{
  const AtlCodec *codec = atl_domain_get_codec (session->domain);
  g_autoptr(AtlGenerator) gen = NULL;
  g_autoptr(AtlWork) parent = NULL;
  g_autoptr(AtlLearner) ranker = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree int *prompt = NULL;
  AtlStylePrefix prefix;
  int n_new = 0, prompt_len = 0;

  for (int i = 0; i < req->count; i++)
    if (req->keep_ids == NULL || req->keep_ids[i] == 0)
      seeds[n_new++] = req->seed + (guint64) i;
  if (n_new == 0)
    return TRUE;

  if (!atl_style_prefix_parse (codec, (const char * const *) req->style, &prefix, error))
    return FALSE;
  if (req->parent_id != 0)
    {
      parent = atl_store_get_work (store, req->parent_id, error);
      if (parent == NULL)
        return FALSE;
      prompt_len = req->continue_half ? atl_work_continue_prefix_len (parent)
                                      : atl_work_keep_prefix_len (parent);
      prompt = g_new (int, prompt_len);
      for (int i = 0; i < prompt_len; i++)
        prompt[i] = parent->tokens[i];
    }
  gen = atl_generator_new (cache->policy, codec, error);
  if (gen == NULL)
    return FALSE;
  if (req->pool)
    {
      ranker = ranker_for (store, session, cache, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }
  if (ranker == NULL)
    return atl_generator_sample (gen, &prefix, prompt, prompt_len, n_new, seeds,
                                 req->temperature, 1.0f, drawn, NULL, error);
  return atl_explore_draw (gen, &prefix, prompt, prompt_len, n_new, req->seed,
                           req->temperature, 1.0f, ranker, session->exploration, drawn, seeds,
                           error);
}

/* Makes sure the cache holds the policy of the session's current version. */
static gboolean
ensure_policy (AtlStore          *store,
               const AtlSession  *session,
               AtlPolicyCache    *cache,
               GError           **error)
{
  AtlModelVersion *loaded = NULL;
  char *problem = NULL;
  AtlPolicy *policy;

  if (cache->policy != NULL && cache->key_version_id == session->current_version_id)
    return TRUE;
  policy = atl_session_load_policy (store, session, &loaded, &problem, error);
  if (policy == NULL)
    return FALSE;
  g_clear_pointer (&cache->policy, atl_policy_free);
  g_clear_pointer (&cache->loaded, atl_model_version_free);
  g_clear_pointer (&cache->problem, g_free);
  cache->policy = policy;
  cache->loaded = loaded;
  cache->problem = problem;
  cache->key_version_id = session->current_version_id;
  return TRUE;
}

static gint64
draw_new_grid (AtlStore          *store,
               const AtlSession  *session,
               AtlDrawRequest    *req,
               AtlPolicyCache    *cache,
               AtlDrawResult     *result,
               GError           **error)
{
  g_autoptr(AtlTokenSet) drawn = atl_token_set_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) atl_work_free);
  g_autofree AtlWorkSpec *specs = g_new0 (AtlWorkSpec, req->count);
  g_autofree gint64 *ids = g_new0 (gint64, req->count);
  g_autofree guint64 *seeds = g_new0 (guint64, req->count);
  g_autofree char *prompt = NULL;
  AtlRoundSpec round;
  gint64 start = g_get_monotonic_time (), grid;
  guint next_new = 0;
  gboolean ok;

  g_mutex_lock (&cache->lock);
  ok = ensure_policy (store, session, cache, error)
       && sample_new_cells (store, session, req, cache, drawn, seeds, error);
  if (ok)
    {
      result->version_number = cache->loaded->number;
      result->problem = g_strdup (cache->problem);
    }
  g_mutex_unlock (&cache->lock);
  if (!ok)
    return 0;
  result->sample_ms = (g_get_monotonic_time () - start) / 1000.0;

  atl_round_spec_init (&round);
  round.count = req->count;
  round.seed = req->seed;
  round.temperature = req->temperature;
  round.style = (const char * const *) req->style;
  prompt = atl_round_prompt_json (&round);

  for (int i = 0; i < req->count; i++)
    {
      if (req->keep_ids != NULL && req->keep_ids[i] != 0)
        {
          AtlWork *old = atl_store_get_work (store, req->keep_ids[i], error);

          if (old == NULL)
            return 0;
          g_ptr_array_add (kept, old);
          specs[i] = (AtlWorkSpec) {
            .tokens = old->tokens, .n_tokens = old->n_tokens,
            .prompt_json = old->prompt_json, .seed = old->seed,
            .temperature = old->temperature, .version_id = old->version_id,
            .parent_id = old->id, .title = old->title,
          };
        }
      else
        {
          guint len;
          const int *seq = atl_token_set_get (drawn, next_new++, &len);

          specs[i] = (AtlWorkSpec) {
            .tokens = (const gint32 *) seq, .n_tokens = len, .prompt_json = prompt,
            .seed = seeds[next_new - 1], .temperature = req->temperature,
            .version_id = 0, .parent_id = req->parent_id,
          };
        }
    }
  grid = atl_store_add_grid (store, session->id, cache->loaded->id, prompt, specs,
                             (guint) req->count, ids, error);
  return grid;
}

static void
grid_draw_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DrawData *data = task_data;
  AtlDrawRequest *req = data->request;
  g_autoptr(AtlDrawResult) result = g_new0 (AtlDrawResult, 1);
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlSession) session = NULL;
  g_autoptr(AtlGrid) grid = NULL;
  g_autoptr(GPtrArray) works = NULL;
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) versions = NULL;
  GError *error = NULL;
  gint64 start;

  store = atl_store_open (req->store_dir, &error);
  if (store != NULL)
    session = atl_store_get_session (store, req->session_id, &error);
  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  result->grid_id = req->grid_id;
  if (result->grid_id == 0)
    result->grid_id = draw_new_grid (store, session, req, data->cache, result, &error);
  if (result->grid_id == 0
      || (grid = atl_store_get_grid (store, result->grid_id, &error)) == NULL
      || (works = atl_store_list_grid_works (store, result->grid_id, &error)) == NULL
      || (versions = atl_store_list_versions (store, session->id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  result->round = grid->round;
  for (guint i = 0; i < versions->len; i++)
    {
      AtlModelVersion *v = g_ptr_array_index (versions, i);

      g_hash_table_insert (numbers, &v->id, GUINT_TO_POINTER (v->number));
      if (v->id == grid->version_id && req->grid_id != 0)
        result->version_number = v->number;
    }

  start = g_get_monotonic_time ();
  result->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < works->len; i++)
    {
      AtlWork *work = g_ptr_array_index (works, i);
      AtlWorkItem *item;
      guint number = GPOINTER_TO_UINT (g_hash_table_lookup (numbers, &work->version_id));

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_index (works, i) = NULL;
      item = atl_work_item_new (work, &error);
      if (item == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      atl_work_item_set_lineage (item, number, grid->round);
      if (req->grid_id == 0 && req->keep_ids != NULL && i < (guint) req->count
          && req->keep_ids[i] != 0)
        atl_work_item_set_locked (item, TRUE);
      atl_work_item_render_thumbnail (item, req->thumb_size);
      g_ptr_array_add (result->items, item);

      if (data->item_func != NULL)
        {
          ItemPost *post = g_new0 (ItemPost, 1);

          *post = (ItemPost) { data->item_func, data->item_data,
                               cancellable ? g_object_ref (cancellable) : g_cancellable_new (),
                               (int) i, g_object_ref (item) };
          g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, item_post_cb, post,
                                      item_post_free);
        }
    }
  result->render_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) atl_draw_result_free);
}

void
atl_grid_draw_async (AtlDrawRequest      *request,
                     AtlPolicyCache      *cache,
                     AtlDrawItemFunc      item_func,
                     gpointer             item_data,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  DrawData *data = g_new0 (DrawData, 1);

  data->request = request;
  data->cache = cache;
  data->item_func = item_func;
  data->item_data = item_data;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, atl_grid_draw_async);
  g_task_set_task_data (task, data, (GDestroyNotify) draw_data_free);
  g_task_run_in_thread (task, grid_draw_worker);
}

AtlDrawResult *
atl_grid_draw_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
