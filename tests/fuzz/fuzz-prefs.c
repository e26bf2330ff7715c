/* fuzz-prefs.c: libFuzzer target for the preference importer (JSONL from elsewhere).
 *
 * The input is a whole preferences file imported into a real store (a database in a
 * temp folder, on /dev/shm when there is one so fsync costs nothing). Import is all or
 * nothing, so a refused file must leave the store without the session, and an accepted
 * one is deleted again to keep the database small across millions of runs.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>

#include "atl-prefs-io.h"
#include "atl-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static AtlStore *fuzz_store;

static AtlStore *
get_store (void)
{
  if (fuzz_store == NULL)
    {
      g_autoptr(GError) error = NULL;
      const char *tmp = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : NULL;
      g_autofree char *templ = g_build_filename (tmp ? tmp : g_get_tmp_dir (),
                                                 "atl-fuzz-prefs-XXXXXX", NULL);
      char *dir = g_mkdtemp (templ);

      g_assert (dir != NULL);
      fuzz_store = atl_store_open (dir, &error);
      g_assert_no_error (error);
    }
  return fuzz_store;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  AtlStore *store = get_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlSession) session = NULL;
  AtlPrefsImportStats stats = { 0 };
  gboolean ok;

  ok = atl_prefs_import_data (store, (const char *) data, size, "fuzz.jsonl", "fuzz",
                              &stats, &error);
  g_assert (ok != (error != NULL));
  session = atl_store_lookup_session (store, "fuzz", NULL);
  if (!ok)
    {
      g_assert (error->message[0] != '\0');
      g_assert (session == NULL);
      return 0;
    }
  /* An accepted file round-trips through the exporter. */
  if (session != NULL)
    {
      g_autofree char *out = atl_prefs_export_to_string (store, session->id, NULL, &error);

      g_assert_no_error (error);
      g_assert (out != NULL);
      g_assert (atl_store_delete_session (store, session->id, &error));
      g_assert_no_error (error);
    }
  return 0;
}
