/* fuzz-abc.c: libFuzzer target for the ABC reader, and the corpus path behind it.
 *
 * The input is ABC text, as a tune book downloaded from the web would be. Every tune the
 * reader accepts is cut into windows the way the corpus does and encoded with the music
 * codec, so a tune that reads but cannot be laid out (a bar past the grid, a pitch out of
 * range) is caught too. Built with -fsanitize=fuzzer by -Dfuzzing=true under clang, and
 * with fuzz-main.c (replaying the committed corpus) in every build.
 */
#include <glib.h>
#include <stdint.h>

#include "atl-abc-reader.h"
#include "fuzz-tune.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tunes = NULL;

  tunes = atl_abc_read_string ("fuzz.abc", (const char *) data, size, skipped, &error);
  g_assert ((tunes != NULL) != (error != NULL));
  if (error != NULL)
    g_assert (error->message != NULL && error->message[0] != '\0');
  for (guint i = 0; i < skipped->len; i++)
    g_assert (((GError *) skipped->pdata[i])->message != NULL);
  if (tunes != NULL)
    for (guint i = 0; i < tunes->len; i++)
      atl_fuzz_check_tune (tunes->pdata[i]);
  return 0;
}
