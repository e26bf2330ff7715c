/* test-export-temp.c: export temp files — their names, which leftovers the next export
 * removes and which it must leave alone, and a real exporter killed mid-write. */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "atl-audio-export.h"
#include "atl-export-temp.h"

/* A pid that was running a moment ago and is no more. */
static pid_t
dead_pid (void)
{
  pid_t pid = fork ();
  int status;

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return pid;
}

static char *
make_file (const char *dir, const char *name, gint64 age_s)
{
  char *path = g_build_filename (dir, name, NULL);
  gint64 t = g_get_real_time () / G_USEC_PER_SEC - age_s;
  struct utimbuf times = { (time_t) t, (time_t) t };

  g_assert_true (g_file_set_contents (path, "partial", -1, NULL));
  g_assert_cmpint (g_utime (path, &times), ==, 0);
  return path;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_rmdir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_template (void)
{
  g_autofree char *tmpl = atl_export_temp_template ("/some/folder/work 7.flac");
  g_autofree char *want = g_strdup_printf ("/some/folder/.work 7.flac" ATL_EXPORT_TEMP_MARK
                                           "%d-XXXXXX", (int) getpid ());

  g_assert_cmpstr (tmpl, ==, want);
}

static void
test_sweep_rules (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atl-export-temp-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "a.png", NULL);
  int dead = (int) dead_pid (), self = (int) getpid ();
  g_autofree char *n_dead_old = g_strdup_printf (".a.png.atl-tmp-%d-abc123", dead);
  g_autofree char *n_dead_fresh = g_strdup_printf (".b.png.atl-tmp-%d-abc123", dead);
  g_autofree char *n_live = g_strdup_printf (".c.png.atl-tmp-%d-abc123", self);
  g_autofree char *n_live_ancient = g_strdup_printf (".d.png.atl-tmp-%d-abc123", self);
  g_autofree char *n_seven = g_strdup_printf (".e.png.atl-tmp-%d-abc1234", dead);
  g_autofree char *n_dir = g_strdup_printf (".f.png.atl-tmp-%d-abc123", dead);
  g_autofree char *p_dead_old = make_file (dir, n_dead_old, ATL_EXPORT_TEMP_DEAD_AGE_S + 5);
  g_autofree char *p_dead_fresh = make_file (dir, n_dead_fresh, 0);
  g_autofree char *p_live = make_file (dir, n_live, ATL_EXPORT_TEMP_DEAD_AGE_S + 5);
  g_autofree char *p_live_ancient = make_file (dir, n_live_ancient,
                                               ATL_EXPORT_TEMP_MAX_AGE_S + 5);
  /* Not ours, however old: other programs' temps, a final file, near misses. */
  const char *strangers[] = { ".a.png.abc123", "a.png.tmp-abc123", "a.png",
                              ".atl-tmp-1-abc123", "x.png.atl-tmp-1-abc123",
                              ".g.png.atl-tmp--abc123", ".h.png.atl-tmp-12x-abc123" };
  g_autofree char *p_seven = make_file (dir, n_seven, ATL_EXPORT_TEMP_MAX_AGE_S + 5);
  g_autofree char *p_dir = g_build_filename (dir, n_dir, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (strangers); i++)
    g_free (make_file (dir, strangers[i], ATL_EXPORT_TEMP_MAX_AGE_S + 5));
  g_assert_cmpint (g_mkdir (p_dir, 0755), ==, 0);

  g_assert_cmpuint (atl_export_temp_sweep (target), ==, 2);
  g_assert_false (g_file_test (p_dead_old, G_FILE_TEST_EXISTS));      /* writer killed */
  g_assert_false (g_file_test (p_live_ancient, G_FILE_TEST_EXISTS));  /* pid reused */
  g_assert_true (g_file_test (p_dead_fresh, G_FILE_TEST_EXISTS));   /* maybe elsewhere */
  g_assert_true (g_file_test (p_live, G_FILE_TEST_EXISTS));         /* maybe writing */
  g_assert_true (g_file_test (p_seven, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (p_dir, G_FILE_TEST_IS_DIR));
  for (guint i = 0; i < G_N_ELEMENTS (strangers); i++)
    {
      g_autofree char *p = g_build_filename (dir, strangers[i], NULL);

      g_assert_true (g_file_test (p, G_FILE_TEST_EXISTS));
    }
  /* A folder that is not there: nothing to do, no error. */
  g_assert_cmpuint (atl_export_temp_sweep ("/nonexistent-atl/x.png"), ==, 0);
  remove_dir (dir);
}

/* The temp file with our mark in `dir`, or NULL. */
static char *
find_temp (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ATL_EXPORT_TEMP_MARK) != NULL)
      return g_build_filename (dir, name, NULL);
  return NULL;
}

/* A FLAC export SIGKILLed while it writes leaves a temp named after its pid; the next
 * export to the folder keeps it while it could still belong to a live writer elsewhere
 * and removes it once it is a minute old, as the final file appears. */
static void
test_killed_export (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atl-export-kill-XXXXXX", NULL);
  g_autofree char *big = g_build_filename (dir, "big.flac", NULL);
  g_autofree char *small = g_build_filename (dir, "small.wav", NULL);
  g_autofree char *temp = NULL;
  g_autofree char *pid_part = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 n_frames = 48000 * 60;   /* a minute of stereo: seconds of FLAC encoding */
  g_autofree float *pcm = g_new (float, 2 * n_frames);
  struct utimbuf old;
  gint64 t;
  int status;
  pid_t pid;

  for (gint64 i = 0; i < 2 * n_frames; i++)
    pcm[i] = 0.25f * (float) ((i * 7919) % 2001 - 1000) / 1000.0f;   /* noise: slow FLAC */

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      atl_audio_export_pcm (big, ATL_AUDIO_FORMAT_FLAC, pcm, n_frames, 2, 48000, NULL, NULL);
      _exit (0);
    }
  /* Kill it as soon as its temp file shows. */
  for (int i = 0; i < 20000 && temp == NULL; i++)
    {
      temp = find_temp (dir);
      if (temp == NULL)
        g_usleep (500);
    }
  g_assert_nonnull (temp);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_false (g_file_test (big, G_FILE_TEST_EXISTS));
  pid_part = g_strdup_printf (ATL_EXPORT_TEMP_MARK "%d-", (int) pid);
  g_assert_nonnull (strstr (temp, pid_part));
  g_assert_true (g_file_test (temp, G_FILE_TEST_EXISTS));

  /* Fresh: the next export leaves it. */
  g_assert_true (atl_audio_export_pcm (small, ATL_AUDIO_FORMAT_WAV16, pcm, 4800, 2, 48000,
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (temp, G_FILE_TEST_EXISTS));

  /* A minute later (the mtime moved back instead) the next export removes it. */
  t = g_get_real_time () / G_USEC_PER_SEC - ATL_EXPORT_TEMP_DEAD_AGE_S - 1;
  old.actime = old.modtime = (time_t) t;
  g_assert_cmpint (g_utime (temp, &old), ==, 0);
  g_assert_true (atl_audio_export_pcm (small, ATL_AUDIO_FORMAT_WAV16, pcm, 4800, 2, 48000,
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (small, G_FILE_TEST_EXISTS));
  g_clear_pointer (&temp, g_free);
  temp = find_temp (dir);
  g_assert_null (temp);
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/export-temp/template", test_template);
  g_test_add_func ("/app/export-temp/sweep-rules", test_sweep_rules);
  g_test_add_func ("/app/export-temp/killed-export", test_killed_export);
  return g_test_run ();
}
