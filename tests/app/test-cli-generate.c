/* test-cli-generate.c: `atelier generate` and `atelier export` end to end, on a real store
 * and real files, with small randomly initialised base models written for the test (the
 * shipped models are not needed: any policy of the right vocabulary draws valid works). */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sndfile.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atl-cli.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-model.h"
#include "atl-store.h"
#include "tiny-model.h"

static char *tmp_dir;

static int
run (const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  int saved, null_fd, status;
  va_list ap;

  g_ptr_array_add (args, (char *) "atelier");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  /* The commands report on stdout, which is the TAP stream here: silence it. */
  fflush (stdout);
  saved = dup (STDOUT_FILENO);
  null_fd = open ("/dev/null", O_WRONLY);
  dup2 (null_fd, STDOUT_FILENO);
  status = atl_cli_run ((int) args->len - 1, (char **) args->pdata);
  fflush (stdout);
  dup2 (saved, STDOUT_FILENO);
  close (saved);
  close (null_fd);
  return status;
}

static JsonObject *
read_manifest (const char *dir, JsonParser *parser)
{
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static gboolean
file_starts_with (const char *path, const char *magic, gsize n)
{
  g_autofree char *data = NULL;
  gsize len;

  return g_file_get_contents (path, &data, &len, NULL) && len >= n
         && memcmp (data, magic, n) == 0;
}

static void
test_generate_music (void)
{
  g_autofree char *store = g_build_filename (tmp_dir, "store-music", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "out-music", NULL);
  g_autofree char *flac = g_build_filename (tmp_dir, "one.flac", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest;
  JsonArray *works;

  g_assert_cmpint (run ("--store", store, "generate", "--domain", "music", "--count", "3",
                        "--seed", "40", "--style", "metre=6/8", "--style", "key=G",
                        "--style", "timbre=piano", "--out", out, NULL), ==, 0);
  manifest = read_manifest (out, parser);
  g_assert_cmpstr (json_object_get_string_member (manifest, "domain"), ==, "music");
  g_assert_cmpint (json_object_get_int_member (manifest, "model_version"), ==, 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (manifest, "model_sha256")), ==, 64);
  works = json_object_get_array_member (manifest, "works");
  g_assert_cmpuint (json_array_get_length (works), ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      JsonObject *w = json_array_get_object_element (works, i);
      JsonArray *files = json_object_get_array_member (w, "files");
      JsonArray *tokens = json_object_get_array_member (w, "tokens");
      g_autofree char *wav = g_build_filename (out, json_array_get_string_element (files, 0),
                                               NULL);
      g_autofree char *mid = g_build_filename (out, json_array_get_string_element (files, 1),
                                               NULL);
      SF_INFO info = { 0 };
      SNDFILE *sf;

      g_assert_cmpint (json_object_get_int_member (w, "seed"), ==, 40 + i);
      /* The style's metre is the first prefix token. */
      g_assert_cmpint (json_array_get_int_element (tokens, 1), ==, 6);
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (
                           json_object_get_object_member (w, "prompt"), "style"), "metre"),
                       ==, "6/8");
      sf = sf_open (wav, SFM_READ, &info);
      g_assert_nonnull (sf);
      g_assert_cmpint (info.samplerate, ==, 48000);
      g_assert_cmpint (info.channels, ==, 2);
      g_assert_cmpint (info.frames, >, 48000);
      sf_close (sf);
      g_assert_true (file_starts_with (mid, "MThd", 4));
    }

  /* The first work again, as FLAC at 44.1 kHz. */
  g_assert_cmpint (run ("--store", store, "export", "--work", "1", "--rate", "44100",
                        "--out", flac, NULL), ==, 0);
  g_assert_true (file_starts_with (flac, "fLaC", 4));
}

static void
test_generate_art (void)
{
  g_autofree char *store = g_build_filename (tmp_dir, "store-art", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "out-art", NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "one.pdf", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AtlStore) st = NULL;
  g_autoptr(GPtrArray) grids = NULL;
  g_autoptr(AtlSession) session = NULL;
  JsonArray *works;

  g_assert_cmpint (run ("--store", store, "generate", "--domain", "art", "--count", "2",
                        "--seed", "5", "--style", "family=ink", "--size", "128", "--svg",
                        "--out", out, NULL), ==, 0);
  works = json_object_get_array_member (read_manifest (out, parser), "works");
  for (guint i = 0; i < 2; i++)
    {
      JsonArray *files = json_object_get_array_member (json_array_get_object_element (works, i),
                                                       "files");
      g_autofree char *png = g_build_filename (out, json_array_get_string_element (files, 0),
                                               NULL);
      g_autofree char *svg = g_build_filename (out, json_array_get_string_element (files, 1),
                                               NULL);

      g_assert_true (g_str_has_suffix (png, ".png"));
      g_assert_true (file_starts_with (png, "\x89PNG", 4));
      g_assert_true (file_starts_with (svg, "<?xml", 5));
    }
  g_assert_cmpint (run ("--store", store, "export", "--work", "2", "--out", pdf, NULL), ==, 0);
  g_assert_true (file_starts_with (pdf, "%PDF", 4));

  /* The round is in the store, as a grid of the domain's default session. */
  st = atl_store_open (store, NULL);
  session = atl_store_lookup_session (st, "Art sketchbook", NULL);
  g_assert_nonnull (session);
  grids = atl_store_list_grids (st, session->id, NULL);
  g_assert_cmpuint (grids->len, ==, 1);
}

static void
test_generate_errors (void)
{
  g_autofree char *store = g_build_filename (tmp_dir, "store-err", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "x.gif", NULL);

  if (g_test_subprocess ())
    {
      g_assert_cmpint (run ("--store", store, "generate", "--domain", "music", "--style",
                            "metre=7/8", NULL), ==, 2);
      g_assert_cmpint (run ("--store", store, "generate", "--domain", "music", "--style",
                            "key=H", NULL), ==, 2);
      g_assert_cmpint (run ("--store", store, "generate", NULL), ==, 2);
      g_assert_cmpint (run ("--store", store, "generate", "--domain", "music", "--count",
                            "1", NULL), ==, 0);
      g_assert_cmpint (run ("--store", store, "export", "--work", "1", "--out", bad, NULL),
                       ==, 2);
      g_assert_cmpint (run ("--store", store, "export", "--work", "99", "--out", bad, NULL),
                       ==, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*“7/8” is not a metre*Cannot read the key “H”*"
                             "Name a --session or a --domain*"
                             "cannot be written as “gif”*");
}

int
main (int argc, char **argv)
{
  g_autofree char *models = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("atl-cli-generate-XXXXXX", NULL);
  models = g_build_filename (tmp_dir, "models", NULL);
  g_mkdir (models, 0755);
  g_free (save_tiny_model (ATL_DOMAIN_MUSIC, 32, 3, models, NULL));
  g_free (save_tiny_model (ATL_DOMAIN_ART, 32, 3, models, NULL));
  g_setenv ("ATL_MODELS_DIR", models, TRUE);

  g_test_add_func ("/app/cli/generate/music", test_generate_music);
  g_test_add_func ("/app/cli/generate/art", test_generate_art);
  g_test_add_func ("/app/cli/generate/errors", test_generate_errors);
  status = g_test_run ();

  if (!g_test_subprocess ())
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);

      if (system (cmd) != 0)
        g_warning ("could not remove %s", tmp_dir);
    }
  return status;
}
