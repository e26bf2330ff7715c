/* atl-row-cache.c: rows by tokens in a hash table of GBytes; see atl-row-cache.h. */
#include "atl-row-cache.h"

struct _AtlRowCache
{
  GHashTable *rows;      /* GBytes of the tokens → float[width] */
  int         width;
  guint       max_rows;
};

AtlRowCache *
atl_row_cache_new (int   width,
                   guint max_rows)
{
  AtlRowCache *cache;

  g_return_val_if_fail (width > 0 && max_rows > 0, NULL);
  cache = g_new0 (AtlRowCache, 1);
  cache->rows = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                       (GDestroyNotify) g_bytes_unref, g_free);
  cache->width = width;
  cache->max_rows = max_rows;
  return cache;
}

void
atl_row_cache_free (AtlRowCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->rows);
  g_free (cache);
}

const float *
atl_row_cache_lookup (AtlRowCache *cache,
                      const int   *tokens,
                      guint        len)
{
  /* A key that borrows the tokens: no copy for a lookup. */
  g_autoptr(GBytes) key = g_bytes_new_static (tokens, (gsize) len * sizeof (int));

  return g_hash_table_lookup (cache->rows, key);
}

void
atl_row_cache_insert (AtlRowCache *cache,
                      const int   *tokens,
                      guint        len,
                      const float *row)
{
  if (g_hash_table_size (cache->rows) >= cache->max_rows)
    g_hash_table_remove_all (cache->rows);
  g_hash_table_replace (cache->rows, g_bytes_new (tokens, (gsize) len * sizeof (int)),
                        g_memdup2 (row, (gsize) cache->width * sizeof (float)));
}

guint
atl_row_cache_get_size (AtlRowCache *cache)
{
  return g_hash_table_size (cache->rows);
}
