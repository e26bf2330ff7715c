/* test-cli-loop.c: `atelier pick`, `prefer --winner/--loser`, `train`, `export-prefs`,
 * `import-prefs` and `demo` against a real store in a temp folder, with a small random
 * base model in a temp ATL_MODELS_DIR so a round takes a fraction of a second.
 */
#include <string.h>

#include "atl-cli.h"
#include "atl-engine-autoptr.h"
#include "atl-model.h"
#include "atl-round.h"
#include "store-helpers.h"
#include "tiny-model.h"

static char *store_dir;
static char *models_dir;

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
test_loop_cli (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(AtlStore) store = open_store (store_dir);
      g_autoptr(AtlPolicy) policy = tiny_policy (ATL_DOMAIN_MUSIC, 32, 3);
      g_autoptr(AtlSession) session = NULL;
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GPtrArray) versions = NULL;
      g_autofree char *file = g_build_filename (store_dir, "p.jsonl", NULL);
      g_autofree char *grid_s = NULL, *fav = NULL, *rej = NULL, *a = NULL, *b = NULL;
      g_autofree char *out = g_build_filename (store_dir, "demo-out", NULL);
      AtlRoundSpec spec;
      gint64 id, grid;

      g_free (save_policy (policy, ATL_DOMAIN_MUSIC, models_dir, NULL));
      id = atl_store_create_session (store, "Reels", ATL_DOMAIN_MUSIC, NULL, NULL, NULL, NULL);
      session = atl_store_get_session (store, id, NULL);
      atl_round_spec_init (&spec);
      spec.count = 5;
      grid = atl_round_draw (store, session, policy, session->current_version_id, &spec, ids,
                             NULL);
      g_assert_cmpint (grid, >, 0);
      g_clear_object (&store);
      grid_s = g_strdup_printf ("%" G_GINT64_FORMAT, grid);
      fav = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, 1));
      rej = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, 4));
      a = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, 2));
      b = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, 3));

      g_assert_cmpint (run ("pick", "--grid", grid_s, "--favorite", fav, "--reject", rej, NULL),
                       ==, 0);
      g_assert_cmpint (run ("pick", "--grid", grid_s, "--favorite", "x", NULL), ==, 2);
      g_assert_cmpint (run ("prefer", "--winner", a, "--loser", b, NULL), ==, 0);
      g_assert_cmpint (run ("train", "--session", "Reels", "--steps", "2", NULL), ==, 0);
      g_assert_cmpint (run ("train", "--session", "Reels", "--method", "sgd", NULL), ==, 2);
      g_assert_cmpint (run ("export-prefs", "--out", file, "--session", "Reels", NULL), ==, 0);
      g_assert_cmpint (run ("import-prefs", file, "--session", "Copy", NULL), ==, 0);
      g_assert_cmpint (run ("demo", "--rounds", "1", "--steps", "2", "--grid", "4", "--pairs",
                            "10", "--out", out, NULL), ==, 0);

      store = open_store (store_dir);
      versions = atl_store_list_versions (store, id, NULL);
      g_assert_cmpuint (versions->len, ==, 2);
      g_assert_true (g_file_test (((AtlModelVersion *) versions->pdata[1])->path,
                                  G_FILE_TEST_IS_REGULAR));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*favourites *; rejects *Recorded as pick batch*"
                             "active comparisons (7 from grids)*"
                             "Recorded: work * beats work *"
                             "“Reels” is now at v1*"
                             "Wrote 8 preferences*Imported 8 preferences*"
                             "Demo session “Demo (contour)”*Round 1: 4 works from v0*"
                             "taste check*exported to*");
  g_test_trap_assert_stderr ("*expects work ids, not “x”*--method is rloo or dpo*");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("atl-cli-loop-XXXXXX", NULL);
  models_dir = g_dir_make_tmp ("atl-cli-models-XXXXXX", NULL);
  g_setenv ("ATL_MODELS_DIR", models_dir, TRUE);
  g_test_add_func ("/app/cli-loop/commands", test_loop_cli);
  status = g_test_run ();
  remove_tree (store_dir);
  remove_tree (models_dir);
  g_free (store_dir);
  g_free (models_dir);
  return status;
}
