/* fuzz-midi.c: libFuzzer target for the standard MIDI file reader.
 *
 * The input is the bytes of a .mid file. A tune the reader accepts is checked and encoded
 * as in fuzz-abc.c (fuzz-tune.h); a refused file must come with a message.
 */
#include <glib.h>
#include <stdint.h>

#include "atl-midi-reader.h"
#include "fuzz-tune.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTune) tune = NULL;

  tune = atl_midi_read_bytes ("fuzz.mid", data, size, &error);
  g_assert ((tune != NULL) != (error != NULL));
  if (tune != NULL)
    atl_fuzz_check_tune (tune);
  else
    g_assert (error->message != NULL && error->message[0] != '\0');
  return 0;
}
