/* test-cli.c: the command line's dispatch, exit codes and the store folder override. */
#include <glib.h>
#include <glib/gstdio.h>

#include "atl-cli.h"
#include "atl-paths.h"

static int
run (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) "atelier");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return atl_cli_run ((int) args->len - 1, (char **) args->pdata);
}

static void
test_cli_wants (void)
{
  char *none[] = { "atelier", NULL };
  char *version[] = { "atelier", "--version", NULL };
  char *store[] = { "atelier", "--store", "/tmp/x", "info", NULL };
  char *gapp[] = { "atelier", "--gapplication-service", NULL };
  char *file[] = { "atelier", "picture.png", NULL };

  g_assert_false (atl_cli_wants (1, none));
  g_assert_true (atl_cli_wants (2, version));
  g_assert_true (atl_cli_wants (4, store));
  /* GApplication's own options and unknown words go to the studio, not the CLI. */
  g_assert_false (atl_cli_wants (2, gapp));
  g_assert_false (atl_cli_wants (2, file));
}

static void
test_cli_exit_codes (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (run ("version", NULL), ==, 0);
      g_assert_cmpint (run ("help", NULL), ==, 0);
      g_assert_cmpint (run ("--version", NULL), ==, 0);
      g_assert_cmpint (run ("no-such-command", NULL), ==, 2);
      g_assert_cmpint (run ("--bogus", NULL), ==, 2);
      g_assert_cmpint (run ("--store", "/tmp", NULL), ==, 2);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*atelier 0.*Usage: atelier*");
  g_test_trap_assert_stderr ("*no command “no-such-command”*unknown option “--bogus”*"
                             "a command is missing*");
}

static void
test_store_override (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("atl-cli-XXXXXX", NULL);
  g_autofree char *store = g_build_filename (tmp, "nested", "store", NULL);
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;

  atl_paths_set_store_dir (store);
  got = atl_paths_dup_store_dir ();
  g_assert_cmpstr (got, ==, store);
  g_assert_true (atl_paths_ensure_store_dir (&error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (store, G_FILE_TEST_IS_DIR));

  atl_paths_set_store_dir (NULL);
  g_free (got);
  got = atl_paths_dup_store_dir ();
  g_assert_true (g_str_has_suffix (got, "/atelier"));

  g_rmdir (store);
  g_free (got);
  got = g_path_get_dirname (store);
  g_rmdir (got);
  g_rmdir (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/cli/wants", test_cli_wants);
  g_test_add_func ("/app/cli/exit-codes", test_cli_exit_codes);
  g_test_add_func ("/app/paths/store-override", test_store_override);
  return g_test_run ();
}
