/* test-player.c: real playback on ALSA's null PCM (tests/alsa-null.conf through
 * ALSA_CONFIG_PATH): natural end with the tail played out, looping, a prompt stop, no
 * underruns, notifications on the main thread only; and the no-device state. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "atl-player.h"
#include "../asan-full-unwind.h"

static void
make_melody (AtlMelody *m, int n_bars)
{
  memset (m, 0, sizeof *m);
  m->metre = ATL_METRE_4_4;
  m->n_bars = n_bars;
  for (int i = 0; i < 8 * n_bars; i++)
    m->notes[i] = (AtlNote) { .pitch = (int8_t) ((i * 5) % 12), .velocity = 100,
                              .start = (int16_t) (2 * i), .length = 2 };
  m->n_notes = 8 * n_bars;
}

typedef struct
{
  GThread *main_thread;
  int      position_notifies;
  int      state_notifies;
  gboolean off_thread;
} Watch;

static void
notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Watch *w = user_data;

  if (g_thread_self () != w->main_thread)
    w->off_thread = TRUE;
  if (g_str_equal (pspec->name, "position"))
    w->position_notifies++;
  else if (g_str_equal (pspec->name, "state"))
    w->state_notifies++;
}

/* Iterates the main loop until the player's state is `state` or `seconds` pass. */
static gboolean
wait_for_state (AtlPlayer *player, AtlPlayerState state, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (atl_player_get_state (player) != state && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  return atl_player_get_state (player) == state;
}

static void
run_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static gboolean
have_alsa (void)
{
  if (g_file_test ("/usr/share/alsa/alsa.conf", G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("ALSA configuration is not installed");
  return FALSE;
}

static void
test_play_to_end (void)
{
  g_autoptr(AtlPlayer) player = NULL;
  static AtlMelody m;
  AtlSynthParams p;
  g_autoptr(GError) error = NULL;
  Watch w = { g_thread_self (), 0, 0, FALSE };
  gint64 t0;
  double elapsed;

  if (!have_alsa ())
    return;
  player = atl_player_new ();
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_STOPPED);
  g_assert_null (atl_player_get_unavailable_reason (player));
  g_signal_connect (player, "notify", G_CALLBACK (notify_cb), &w);

  make_melody (&m, 1);
  atl_synth_params_init (&p);
  p.tempo = 240.0;   /* one bar = 1 s */
  t0 = g_get_monotonic_time ();
  g_assert_true (atl_player_play (player, &m, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_PLAYING);
  g_assert_cmpfloat (atl_player_get_duration (player), >, 1.0);

  g_assert_true (wait_for_state (player, ATL_PLAYER_STATE_STOPPED, 5.0));
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("played %.3f s in %.3f s, %d position updates, %u underruns",
                  atl_player_get_duration (player), elapsed, w.position_notifies,
                  atl_player_get_underruns (player));
  /* ALSA's null PCM takes frames as fast as they come (it keeps no clock), so the
   * elapsed time says nothing about real-time pacing here; it bounds the updates. */
  g_assert_cmpfloat (elapsed, <, atl_player_get_duration (player) + 1.0);
  g_assert_cmpfloat (atl_player_get_position (player), ==, atl_player_get_duration (player));
  /* Nor can the feeder keep a ring full against a sink with no clock: underruns are
   * counted (see the message) but only a paced sink can hold them at zero. */
  /* At most ~30 Hz (plus the final one), and from the main thread only. */
  g_assert_cmpint (w.position_notifies, >=, 1);
  g_assert_cmpint (w.position_notifies, <=, 32 * elapsed + 2);
  g_assert_cmpint (w.state_notifies, ==, 2);
  g_assert_false (w.off_thread);
}

static void
test_loop_and_stop (void)
{
  g_autoptr(AtlPlayer) player = NULL;
  static AtlMelody m;
  AtlSynthParams p;
  g_autoptr(GError) error = NULL;
  double period = 0.6, max_pos = 0.0;
  gint64 t0, t1, end;
  gboolean ok;

  if (!have_alsa ())
    return;
  player = atl_player_new ();
  make_melody (&m, 1);
  atl_synth_params_init (&p);
  p.tempo = 400.0;   /* one bar = 0.6 s */
  p.timbre = ATL_TIMBRE_FLUTE;
  atl_player_set_loop (player, TRUE);
  ok = atl_player_play (player, &m, &p, &error);
  g_assert_no_error (error);   /* says why, if it failed */
  g_assert_true (ok);

  /* Three periods later it still plays, and the position stays inside one pass. */
  end = g_get_monotonic_time () + 3 * period * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      max_pos = MAX (max_pos, atl_player_get_position (player));
      g_usleep (1000);
    }
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_PLAYING);
  g_assert_cmpfloat (max_pos, <, period + 1e-6);
  g_assert_cmpfloat (max_pos, >, 0.3);

  /* Loop off: the current pass ends by itself. */
  atl_player_set_loop (player, FALSE);
  g_assert_true (wait_for_state (player, ATL_PLAYER_STATE_STOPPED, 2.0));

  /* A looping melody, stopped: stop returns promptly and leaves STOPPED at 0. */
  make_melody (&m, 8);
  p.tempo = 60.0;
  atl_player_set_loop (player, TRUE);
  g_assert_true (atl_player_play (player, &m, &p, &error));
  run_for (0.2);
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_PLAYING);
  t0 = g_get_monotonic_time ();
  atl_player_stop (player);
  t1 = g_get_monotonic_time ();
  g_test_message ("stop took %.1f ms", (t1 - t0) / 1e3);
  g_assert_cmpint (t1 - t0, <, 250 * 1000);
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_STOPPED);
  g_assert_cmpfloat (atl_player_get_position (player), ==, 0.0);

  /* A bad melody is refused with a clear error and nothing changes. */
  m.notes[1].start = 0;
  g_assert_false (atl_player_play (player, &m, &p, &error));
  g_assert_error (error, ATL_PLAYER_ERROR, ATL_PLAYER_ERROR_INVALID);
  g_assert_cmpint (atl_player_get_state (player), ==, ATL_PLAYER_STATE_STOPPED);
}

static void
check_unavailable (const char *reason_part)
{
  g_autoptr(AtlPlayer) player = atl_player_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  AtlPlayerState state;
  static AtlMelody m;
  AtlSynthParams p;

  g_object_get (player, "state", &state, "unavailable-reason", &reason, NULL);
  g_assert_cmpint (state, ==, ATL_PLAYER_STATE_UNAVAILABLE);
  g_test_message ("unavailable: %s", reason);
  g_assert_nonnull (strstr (reason, reason_part));

  make_melody (&m, 1);
  atl_synth_params_init (&p);
  g_assert_false (atl_player_play (player, &m, &p, &error));
  g_assert_error (error, ATL_PLAYER_ERROR, ATL_PLAYER_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, reason);
}

/* The switch a sandbox or a CI runner sets. */
static void
test_unavailable (void)
{
  if (g_test_subprocess ())
    {
      check_unavailable ("ATL_AUDIO_DISABLE");
      return;
    }
  g_setenv ("ATL_AUDIO_DISABLE", "1", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("ATL_AUDIO_DISABLE");
  g_test_trap_assert_passed ();
}

/* ALSA_CONFIG_PATH naming `file` (written with `text` unless NULL): the player must come
 * up UNAVAILABLE with a reason naming the file, and the process must live on. A missing
 * file is the case where PortAudio's ALSA scan asserts (BuildDeviceList) and used to
 * abort the whole process; a syntax error makes Pa_Initialize fail with only
 * "Unanticipated host error", which says nothing about the file. */
/* The broken-configuration cases set ALSA_CONFIG_PATH for their child and put this back. */
static char *saved_alsa_config_path;

static void
check_broken_alsa (const char *text)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;

  if (g_test_subprocess ())
    {
      check_unavailable (g_getenv ("ATL_TEST_BROKEN_CONF"));
      return;
    }
  dir = g_dir_make_tmp ("atl-alsa-XXXXXX", NULL);
  g_assert_nonnull (dir);
  file = g_build_filename (dir, "asound.conf", NULL);
  if (text != NULL)
    g_assert_true (g_file_set_contents (file, text, -1, NULL));
  g_setenv ("ATL_TEST_BROKEN_CONF", file, TRUE);
  g_setenv ("ALSA_CONFIG_PATH", file, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (saved_alsa_config_path != NULL)
    g_setenv ("ALSA_CONFIG_PATH", saved_alsa_config_path, TRUE);
  else
    g_unsetenv ("ALSA_CONFIG_PATH");
  g_unsetenv ("ATL_TEST_BROKEN_CONF");
  g_remove (file);
  g_rmdir (dir);
  g_test_trap_assert_passed ();
}

static void
test_alsa_config_missing (void)
{
  check_broken_alsa (NULL);
}

static void
test_alsa_config_syntax_error (void)
{
  check_broken_alsa ("pcm.!default {\n  type plug\n  slave.pcm \"null\"\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  saved_alsa_config_path = g_strdup (g_getenv ("ALSA_CONFIG_PATH"));
  g_test_add_func ("/app/player/play-to-end", test_play_to_end);
  g_test_add_func ("/app/player/loop-and-stop", test_loop_and_stop);
  g_test_add_func ("/app/player/unavailable", test_unavailable);
  g_test_add_func ("/app/player/alsa-config-missing", test_alsa_config_missing);
  g_test_add_func ("/app/player/alsa-config-syntax-error", test_alsa_config_syntax_error);
  return g_test_run ();
}
