/* fuzz-main.c: replays a fuzz target's committed corpus in an ordinary build.
 *
 * Linked with one fuzz-*.c instead of libFuzzer, it runs LLVMFuzzerTestOneInput on every
 * file of the folders given on the command line and reports each as a TAP test, so the
 * inputs that once crashed (and the interesting ones the fuzzer kept) stay fixed under
 * gcc, ASan and valgrind without clang.
 */
#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
replay (gconstpointer user_data)
{
  const char *path = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  /* A copy of exactly length bytes, so ASan sees a read past the end of the input. */
  {
    g_autofree uint8_t *exact = g_memdup2 (contents, MAX (length, 1));

    LLVMFuzzerTestOneInput (exact, length);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (int a = 1; a < argc; a++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[a], 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *base = g_path_get_basename (argv[a]);
      const char *name;

      if (dir == NULL)
        continue;
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        {
          const char *file = names->pdata[i];
          g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", base, file);

          g_test_add_data_func_full (test, g_build_filename (argv[a], file, NULL),
                                     replay, g_free);
        }
    }
  return g_test_run ();
}
