/* test-row-cache.c: rows by tokens — found, copied, told apart, and bounded. */
#include <glib.h>

#include "atl-row-cache.h"

static void
test_lookup (void)
{
  g_autoptr(AtlRowCache) cache = atl_row_cache_new (3, 100);
  int a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 }, prefix[] = { 1, 2 };
  float row[] = { 0.5f, -1.0f, 2.0f };
  const float *got;

  g_assert_null (atl_row_cache_lookup (cache, a, 3));
  atl_row_cache_insert (cache, a, 3, row);
  row[0] = 9.0f;  /* the cache keeps a copy */
  got = atl_row_cache_lookup (cache, a, 3);
  g_assert_nonnull (got);
  g_assert_cmpfloat (got[0], ==, 0.5f);
  g_assert_cmpfloat (got[2], ==, 2.0f);
  g_assert_null (atl_row_cache_lookup (cache, b, 3));
  g_assert_null (atl_row_cache_lookup (cache, prefix, 2));
  atl_row_cache_insert (cache, a, 3, row);
  g_assert_cmpuint (atl_row_cache_get_size (cache), ==, 1);
  g_assert_cmpfloat (atl_row_cache_lookup (cache, a, 3)[0], ==, 9.0f);
}

static void
test_bounded (void)
{
  g_autoptr(AtlRowCache) cache = atl_row_cache_new (1, 4);
  float row = 1.0f;

  for (int i = 0; i < 10; i++)
    {
      atl_row_cache_insert (cache, &i, 1, &row);
      g_assert_cmpuint (atl_row_cache_get_size (cache), <=, 4);
      g_assert_nonnull (atl_row_cache_lookup (cache, &i, 1));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/row-cache/lookup", test_lookup);
  g_test_add_func ("/app/row-cache/bounded", test_bounded);
  return g_test_run ();
}
