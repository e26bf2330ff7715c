/* test-audio-null.c: proves the test environment's audio set-up.
 *
 * With ALSA pointed at its null PCM (tests/alsa-null.conf), PortAudio must find a default
 * output device and run a real blocking stream; every audio test relies on this. A
 * machine without ALSA's configuration skips rather than fails.
 */
#include <glib.h>
#include <math.h>
#include <portaudio.h>

#include "../asan-full-unwind.h"

static void
test_null_sink_plays (void)
{
  PaStreamParameters out = { 0 };
  PaStream *stream = NULL;
  PaError err;
  float buffer[2 * 480];
  double phase = 0.0;

  if (!g_file_test ("/usr/share/alsa/alsa.conf", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("ALSA configuration is not installed");
      return;
    }

  err = Pa_Initialize ();
  g_assert_cmpint (err, ==, paNoError);

  out.device = Pa_GetDefaultOutputDevice ();
  g_assert_cmpint (out.device, !=, paNoDevice);
  out.channelCount = 2;
  out.sampleFormat = paFloat32;
  out.suggestedLatency = Pa_GetDeviceInfo (out.device)->defaultHighOutputLatency;

  err = Pa_OpenStream (&stream, NULL, &out, 48000, 480, paClipOff, NULL, NULL);
  g_assert_cmpint (err, ==, paNoError);
  g_assert_cmpint (Pa_StartStream (stream), ==, paNoError);

  /* A quarter second of a quiet A4, written in 10 ms blocks. */
  for (int block = 0; block < 25; block++)
    {
      for (int i = 0; i < 480; i++)
        {
          float s = 0.1f * (float) sin (phase);

          buffer[2 * i] = buffer[2 * i + 1] = s;
          phase += 2.0 * G_PI * 440.0 / 48000.0;
        }
      err = Pa_WriteStream (stream, buffer, 480);
      g_assert_true (err == paNoError || err == paOutputUnderflowed);
    }

  g_assert_cmpint (Pa_StopStream (stream), ==, paNoError);
  g_assert_cmpint (Pa_CloseStream (stream), ==, paNoError);
  Pa_Terminate ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/audio/null-sink-plays", test_null_sink_plays);
  return g_test_run ();
}
