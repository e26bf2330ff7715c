/* test-cli-store.c: `atelier sessions`, `versions` and `prefer` against a real store in a
 * temp folder (through --store), their output and exit codes.
 */
#include <string.h>

#include "atl-cli.h"
#include "atl-paths.h"
#include "store-helpers.h"

static char *store_dir;

static int
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) "atelier");
  g_ptr_array_add (args, (char *) "--store");
  g_ptr_array_add (args, store_dir);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return atl_cli_run ((int) args->len - 1, (char **) args->pdata);
}

static void
test_sessions_cli (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (run ("sessions", NULL), ==, 0);
      g_assert_cmpint (run ("sessions", "new", "Reels", "--domain", "music", NULL), ==, 0);
      g_assert_cmpint (run ("sessions", "new", "Shapes", "--domain=art", NULL), ==, 0);
      g_assert_cmpint (run ("sessions", "new", "Shapes", "--domain", "art", NULL), ==, 1);
      g_assert_cmpint (run ("sessions", "new", "X", "--domain", "dance", NULL), ==, 2);
      g_assert_cmpint (run ("sessions", "new", "X", NULL), ==, 2);
      g_assert_cmpint (run ("sessions", "rename", "Shapes", "Bauhaus", NULL), ==, 0);
      g_assert_cmpint (run ("sessions", "delete", "Nope", NULL), ==, 1);
      g_assert_cmpint (run ("sessions", "list", NULL), ==, 0);
      g_assert_cmpint (run ("sessions", "delete", "Bauhaus", NULL), ==, 0);
      g_assert_cmpint (run ("sessions", "frobnicate", NULL), ==, 2);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("No sessions yet*Created music session “Reels”*"
                             "Renamed “Shapes” to “Bauhaus”*SESSION*Bauhaus*art*v0*"
                             "Reels*music*Deleted “Bauhaus”*");
  g_test_trap_assert_stderr ("*exists already*not “dance”*usage: atelier sessions*"
                             "no session named “Nope”*usage*");
}

static void
test_versions_and_prefer_cli (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(AtlStore) store = open_store (store_dir);
      g_autofree char *file = g_build_filename (store_dir, "p.jsonl", NULL);
      g_autoptr(AtlSession) s = NULL;
      gint64 ids[3], grid;
      gint64 session = atl_store_create_session (store, "Reels", ATL_DOMAIN_MUSIC, NULL, NULL,
                                                 NULL, NULL);

      grid = add_grid (store, session, 3, 0, ids);
      g_assert_true (atl_store_commit_picks (store, grid, ids, 1, NULL, 0, NULL, NULL));
      g_assert_cmpint (atl_store_add_version (store, session, 0, "/m/v1.safetensors",
                                              "0123456789abcdef0123456789abcdef"
                                              "0123456789abcdef0123456789abcdef", NULL, TRUE,
                                              NULL), >, 0);
      g_clear_object (&store);

      g_assert_cmpint (run ("versions", "Reels", NULL), ==, 0);
      g_assert_cmpint (run ("versions", "Reels", "--restore", "9", NULL), ==, 1);
      g_assert_cmpint (run ("versions", "Reels", "--reset", NULL), ==, 0);
      g_assert_cmpint (run ("versions", "Reels", "--restore", "v1", NULL), ==, 0);
      g_assert_cmpint (run ("prefer", "--export", file, NULL), ==, 0);
      g_assert_cmpint (run ("prefer", "--import", file, NULL), ==, 2);
      g_assert_cmpint (run ("prefer", "--import", file, "--session", "Copy", NULL), ==, 0);

      store = open_store (store_dir);
      s = atl_store_lookup_session (store, "Copy", NULL);
      g_assert_nonnull (s);
      g_assert_cmpuint (counts (store, s->id).active, ==, 2);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("  v0 *(shipped base)*\n* v1 */m/v1.safetensors  0123456789ab*"
                             "now generates with v0*\n* v0 *"
                             "now generates with v1*Wrote 2 preferences*"
                             "Imported 2 preferences (3 new works) into the new session “Copy”*");
  g_test_trap_assert_stderr ("*“Reels” has no version v9*usage: atelier prefer*");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* One store folder per test process: each subprocess gets a fresh one. */
  store_dir = g_dir_make_tmp ("atl-cli-store-XXXXXX", NULL);
  g_test_add_func ("/app/cli-store/sessions", test_sessions_cli);
  g_test_add_func ("/app/cli-store/versions-prefer", test_versions_and_prefer_cli);
  status = g_test_run ();
  remove_tree (store_dir);
  g_free (store_dir);
  return status;
}
