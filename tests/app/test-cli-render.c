/* test-cli-render.c: `atelier synth-demo` writes the demo tune in four formats. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sndfile.h>

#include "atl-cli.h"
#include "atl-cli-render.h"
#include "atl-synth.h"

static void
test_synth_demo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-demo-XXXXXX", NULL);
  char *argv[] = { "atelier", "synth-demo", "--out", dir, "--timbre", "bell", "--key",
                   "F#3", "--tempo", "90", "--rate", "44100", NULL };
  const char *exts[] = { "wav", "flac", "ogg", "mid" };
  static AtlMelody m;

  atl_cli_demo_melody (&m);
  g_assert_cmpint (atl_synth_check_melody (&m, NULL), ==, ATL_OK);
  g_assert_cmpint (atl_cli_run (G_N_ELEMENTS (argv) - 1, argv), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/demo-bell.%s", dir, exts[i]);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      if (i < 3)
        {
          SF_INFO info = { 0 };
          SNDFILE *sf = sf_open (path, SFM_READ, &info);

          g_assert_nonnull (sf);
          g_assert_cmpint (info.samplerate, ==, 44100);
          /* 8 bars of 4/4 at 90 BPM = 21.3 s, plus the bell's tail. */
          g_assert_cmpfloat ((double) info.frames / 44100, >, 21.3);
          sf_close (sf);
        }
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_synth_demo_usage (void)
{
  char *no_out[] = { "atelier", "synth-demo", NULL };
  char *bad_key[] = { "atelier", "synth-demo", "--out", "/tmp", "--key", "H", NULL };

  if (g_test_subprocess ())
    {
      g_assert_cmpint (atl_cli_run (2, no_out), ==, 2);
      g_assert_cmpint (atl_cli_run (6, bad_key), ==, 2);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*--out DIR is required*cannot read the key “H”*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/cli/synth-demo", test_synth_demo);
  g_test_add_func ("/app/cli/synth-demo-usage", test_synth_demo_usage);
  return g_test_run ();
}
