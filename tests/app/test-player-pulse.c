/* test-player-pulse.c: real-time playback through a PulseAudio null sink, recorded and
 * checked: the tone arrives at the right pitch, and the player never underruns.
 *
 * ALSA's null PCM (test-player.c) keeps no clock, so it cannot show real-time pacing; a
 * PulseAudio null sink does. The test starts its own pulseaudio (its own runtime folder,
 * no autospawn, only the native protocol and the null sink), points this process's ALSA
 * default device at the pulse plugin (libasound2-plugins) so PortAudio's ALSA back end
 * plays into the sink, records the sink's monitor with `parec`, plays a two-note melody
 * (A4 for a second, then E5) with the flute (a near-sine), and measures each note's
 * frequency by the peak of a Hann-windowed DTFT, refined to 0.01 Hz. Skipped only if
 * pulseaudio or parec is missing or the server does not come up.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "atl-player.h"
#include "../asan-full-unwind.h"

#define RATE 48000

typedef struct
{
  char        *dir;
  GSubprocess *server;
  GSubprocess *recorder;
  char        *recording;
} Pulse;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

static void
pulse_stop (Pulse *pulse)
{
  if (pulse->recorder != NULL)
    {
      g_subprocess_force_exit (pulse->recorder);
      g_subprocess_wait (pulse->recorder, NULL, NULL);
      g_clear_object (&pulse->recorder);
    }
  if (pulse->server != NULL)
    {
      g_subprocess_send_signal (pulse->server, SIGTERM);
      g_subprocess_wait (pulse->server, NULL, NULL);
      g_clear_object (&pulse->server);
    }
  if (pulse->dir != NULL)
    remove_tree (pulse->dir);
  g_clear_pointer (&pulse->dir, g_free);
  g_clear_pointer (&pulse->recording, g_free);
}

/* In the child before exec: die with this process, so a failed assertion (which aborts
 * the test) never leaves a server or a recorder running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts the server; FALSE (with the reason in *why) if it cannot run here. */
static gboolean
pulse_start (Pulse  *pulse,
             char  **why)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *socket = NULL, *server = NULL, *client_conf = NULL, *alsa_conf = NULL;
  g_autofree char *log = NULL;
  g_autofree char *pulseaudio = g_find_program_in_path ("pulseaudio");
  g_autofree char *parec = g_find_program_in_path ("parec");
  gint64 deadline;

  if (pulseaudio == NULL || parec == NULL)
    {
      *why = g_strdup ("pulseaudio or parec is not installed");
      return FALSE;
    }
  pulse->dir = g_dir_make_tmp ("atl-pulse-XXXXXX", NULL);
  g_assert_nonnull (pulse->dir);
  socket = g_build_filename (pulse->dir, "pulse", "native", NULL);
  server = g_strconcat ("unix:", socket, NULL);
  client_conf = g_build_filename (pulse->dir, "client.conf", NULL);
  alsa_conf = g_build_filename (pulse->dir, "asound-pulse.conf", NULL);
  log = g_build_filename (pulse->dir, "pulseaudio.log", NULL);
  g_assert_true (g_file_set_contents (client_conf, "autospawn = no\n", -1, NULL));
  g_assert_true (g_file_set_contents (alsa_conf,
                                      "pcm.!default { type pulse }\n"
                                      "ctl.!default { type pulse }\n", -1, NULL));

  /* The same environment for the server, parec, and this process (PortAudio → ALSA →
   * pulse plugin → this server). Set before PortAudio reads ALSA's configuration, which
   * is the pulse PCM alone: on top of alsa.conf PortAudio's device scan would dlopen every
   * plugin ALSA knows, and a52's libavcodec runs an instruction valgrind cannot (SIGILL;
   * see tests/alsa-valgrind.conf). */
  g_setenv ("XDG_RUNTIME_DIR", pulse->dir, TRUE);
  g_setenv ("HOME", pulse->dir, TRUE);
  g_setenv ("PULSE_SERVER", server, TRUE);
  g_setenv ("PULSE_CLIENTCONFIG", client_conf, TRUE);
  g_setenv ("ALSA_CONFIG_PATH", alsa_conf, TRUE);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  pulse->server = g_subprocess_launcher_spawn (launcher, &error, "pulseaudio", "-n",
                                               "--daemonize=no", "--exit-idle-time=-1",
                                               "--use-pid-file=no", "--disable-shm=yes",
                                               "-L", "module-native-protocol-unix",
                                               "-L", "module-null-sink sink_name=nullsink "
                                               "rate=48000 channels=2",
                                               NULL);
  if (pulse->server == NULL)
    {
      *why = g_strdup_printf ("pulseaudio did not start: %s", error->message);
      return FALSE;
    }
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!g_file_test (socket, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline
         && g_subprocess_get_identifier (pulse->server) != NULL)
    g_usleep (20000);
  if (!g_file_test (socket, G_FILE_TEST_EXISTS))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (log, &text, NULL, NULL);
      *why = g_strdup_printf ("pulseaudio did not come up: %s", text != NULL ? text : "");
      return FALSE;
    }
  return TRUE;
}

static void
pulse_record (Pulse *pulse)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *rate = g_strdup_printf ("--rate=%d", RATE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  pulse->recording = g_build_filename (pulse->dir, "monitor.raw", NULL);
  pulse->recorder = g_subprocess_launcher_spawn (launcher, &error, "parec",
                                                 "-d", "nullsink.monitor", "--format=float32le",
                                                 rate, "--channels=1", "--latency-msec=20",
                                                 pulse->recording, NULL);
  g_assert_no_error (error);
}

/* |DTFT| of x (n) with a Hann window at frequency f. */
static double
dtft (const float *x, int n, double f)
{
  double re = 0.0, im = 0.0, w = 2.0 * G_PI * f / RATE;

  for (int i = 0; i < n; i++)
    {
      double h = 0.5 - 0.5 * cos (2.0 * G_PI * i / (n - 1));

      re += h * x[i] * cos (w * i);
      im -= h * x[i] * sin (w * i);
    }
  return hypot (re, im);
}

/* The strongest frequency in 100 Hz … 2 kHz: a 1 Hz scan, then 0.01 Hz around the best. */
static double
peak_frequency (const float *x, int n)
{
  double best = 0.0, best_f = 0.0;

  for (double f = 100.0; f <= 2000.0; f += 1.0)
    {
      double a = dtft (x, n, f);

      if (a > best)
        best = a, best_f = f;
    }
  for (double f = best_f - 1.0, c = best_f; f <= c + 1.0; f += 0.01)
    {
      double a = dtft (x, n, f);

      if (a > best)
        best = a, best_f = f;
    }
  return best_f;
}

static void
test_pulse_pitch (void)
{
  g_autoptr(AtlPlayer) player = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  g_autofree float *pcm = NULL;
  static AtlMelody m;
  static const double expect[2] = { 440.0, 659.2551 };   /* A4, E5 */
  Pulse pulse = { 0 };
  AtlSynthParams p;
  gsize bytes = 0;
  gint64 deadline;
  int n, onset = -1;

  if (!pulse_start (&pulse, &why))
    {
      g_test_skip (why);
      pulse_stop (&pulse);
      return;
    }
  pulse_record (&pulse);
  g_usleep (400000);   /* let parec connect before the first note */

  /* 2/4 at 60 quarters a minute: a sixteenth is 0.25 s, each note one second. */
  memset (&m, 0, sizeof m);
  m.metre = ATL_METRE_2_4;
  m.n_bars = 1;
  m.notes[0] = (AtlNote) { .pitch = 0, .velocity = 100, .start = 0, .length = 4 };
  m.notes[1] = (AtlNote) { .pitch = 7, .velocity = 100, .start = 4, .length = 4 };
  m.n_notes = 2;
  atl_synth_params_init (&p);
  p.tonic = 69;
  p.tempo = 60.0;
  p.timbre = ATL_TIMBRE_FLUTE;
  p.sample_rate = RATE;

  player = atl_player_new ();
  if (atl_player_get_state (player) == ATL_PLAYER_STATE_UNAVAILABLE)
    g_test_message ("player unavailable: %s", atl_player_get_unavailable_reason (player));
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_STOPPED);
  g_assert_true (atl_player_play (player, &m, &p, &error));
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (atl_player_get_state (player) != ATL_PLAYER_STATE_STOPPED
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_STOPPED);
  g_test_message ("played %.2f s, %u underruns", atl_player_get_duration (player),
                  atl_player_get_underruns (player));
  /* A paced sink: the feeder must keep the ring from ever running dry. */
  g_assert_cmpuint (atl_player_get_underruns (player), ==, 0);
  g_usleep (300000);

  g_subprocess_send_signal (pulse.recorder, SIGINT);
  g_subprocess_wait (pulse.recorder, NULL, NULL);
  g_clear_object (&pulse.recorder);
  g_assert_true (g_file_get_contents (pulse.recording, (char **) &pcm, &bytes, &error));
  g_assert_no_error (error);
  n = (int) (bytes / sizeof (float));
  g_test_message ("recorded %.2f s from nullsink.monitor", (double) n / RATE);

  for (int i = 0; i < n && onset < 0; i++)
    if (fabsf (pcm[i]) > 0.01f)
      onset = i;
  g_assert_cmpint (onset, >=, 0);
  g_assert_cmpint (onset + 2 * RATE, <=, n);
  for (int k = 0; k < 2; k++)
    {
      /* 0.6 s of each note's middle: past the attack, before the next note. */
      int from = onset + k * RATE + RATE / 4, len = RATE * 6 / 10;
      double f = peak_frequency (pcm + from, len);
      double cents = 1200.0 * log2 (f / expect[k]);

      g_test_message ("note %d: %.2f Hz, expected %.2f Hz: %+.1f cents", k + 1, f, expect[k],
                      cents);
      g_assert_cmpfloat (fabs (cents), <, 5.0);
    }
  g_clear_object (&player);
  pulse_stop (&pulse);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/player/pulse-null-sink-pitch", test_pulse_pitch);
  return g_test_run ();
}
