/* atl-audio-probe.c: PortAudio's device scan, tried in a child process first.
 *
 * The child shares nothing with the caller but a pipe: its stdout and stderr go there,
 * so ALSA's and PortAudio's complaints come back as text, and its exit status (or the
 * signal that killed it) says how the scan went. The child only calls PortAudio and
 * _exit — no GLib, no atexit handlers — which is what is safe after fork() in a process
 * that already runs other threads (GTK's, OpenBLAS's).
 */
#include "atl-audio-probe.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <portaudio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's exit codes: away from 0/1 so that a tool wrapping the child (valgrind's
 * --error-exitcode, a sanitizer) cannot pass for an answer. */
enum { PROBE_OK = 40, PROBE_NO_DEVICE = 41, PROBE_INIT_FAILED = 42 };

#define INIT_MARK       "atl-probe: "     /* the child's line carrying Pa_GetErrorText */
#define MAX_OUTPUT      (64 * 1024)       /* a scan that prints more is cut here */

G_GNUC_NORETURN static void
probe_child (int out_fd)
{
  PaError err;
  int code;

  dup2 (out_fd, STDOUT_FILENO);
  dup2 (out_fd, STDERR_FILENO);
  err = Pa_Initialize ();
  if (err != paNoError)
    {
      dprintf (STDERR_FILENO, "\n" INIT_MARK "%s\n", Pa_GetErrorText (err));
      _exit (PROBE_INIT_FAILED);
    }
  code = Pa_GetDefaultOutputDevice () == paNoDevice ? PROBE_NO_DEVICE : PROBE_OK;
  Pa_Terminate ();
  _exit (code);
}

/* Reads what is there now; FALSE at end of file or on an error. */
static gboolean
drain (int fd, GString *output)
{
  char buf[4096];
  ssize_t n;

  for (;;)
    {
      n = read (fd, buf, sizeof buf);
      if (n > 0)
        {
          if (output->len < MAX_OUTPUT)
            g_string_append_len (output, buf, MIN ((gsize) n, MAX_OUTPUT - output->len));
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

/* The line after `mark`, or NULL. */
static char *
find_marked_line (const char *output, const char *mark)
{
  const char *at = strstr (output, mark);
  const char *end;

  if (at == NULL)
    return NULL;
  at += strlen (mark);
  end = strchr (at, '\n');
  return g_strndup (at, end != NULL ? (gsize) (end - at) : strlen (at));
}

/* ALSA's complaints, without their source-location prefix ("ALSA lib conf.c:4555:
 * (snd_config_update_r) "), come first: the first one naming a file ("Cannot access file
 * /x.conf", "/x.conf may be old or corrupted …"), with the first of all after it when that
 * came earlier ("_toplevel_:4:0:Unexpected char"). Without any, the last line printed,
 * which for an assertion is the assertion. */
static char *
pick_complaint (const char *output)
{
  g_auto (GStrv) lines = g_strsplit (output, "\n", -1);
  const char *first = NULL, *with_file = NULL, *last = NULL;

  for (guint i = 0; lines[i] != NULL && with_file == NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "ALSA lib "))
        {
          const char *after = strstr (line, ") ");
          const char *text = after != NULL ? after + 2 : line + strlen ("ALSA lib ");

          if (first == NULL)
            first = text;
          if (strchr (text, '/') != NULL)
            with_file = text;
        }
      else if (line[0] != '\0' && !g_str_has_prefix (line, INIT_MARK))
        last = line;
    }
  if (with_file != NULL && first != with_file)
    return g_strdup_printf ("%s (%s)", with_file, first);
  if (first != NULL || with_file != NULL)
    return g_strdup (with_file != NULL ? with_file : first);
  return g_strdup (last);
}

static char *
describe_failure (int status, gboolean timed_out, const char *output)
{
  g_autofree char *complaint = pick_complaint (output);
  g_autofree char *detail = complaint != NULL ? g_strdup_printf (": %s", complaint)
                                              : g_strdup ("");

  if (timed_out)
    return g_strdup_printf ("The sound system did not answer within %d s while looking "
                            "for devices%s", ATL_AUDIO_PROBE_TIMEOUT_S, detail);
  if (WIFSIGNALED (status))
    return g_strdup_printf ("The sound system crashed while looking for devices (%s)%s",
                            g_strsignal (WTERMSIG (status)), detail);
  if (WEXITSTATUS (status) == PROBE_NO_DEVICE)
    return g_strdup ("No audio output device was found");
  if (WEXITSTATUS (status) == PROBE_INIT_FAILED)
    {
      g_autofree char *pa_text = find_marked_line (output, INIT_MARK);

      return g_strdup_printf ("The sound system could not start (%s)%s",
                              pa_text != NULL ? pa_text : "unknown error", detail);
    }
  return g_strdup_printf ("The sound system's device check failed (exit status %d)%s",
                          WEXITSTATUS (status), detail);
}

gboolean
atl_audio_probe (char **reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) output = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + ATL_AUDIO_PROBE_TIMEOUT_S * G_USEC_PER_SEC;
  gboolean timed_out = FALSE, pipe_open = TRUE;
  int fds[2], status = 0;
  pid_t pid;

  g_return_val_if_fail (reason != NULL && *reason == NULL, FALSE);

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    {
      *reason = g_strdup_printf ("The sound system could not be checked (%s)", error->message);
      return FALSE;
    }
  /* Whatever stdio holds would otherwise be written twice, once by the child. */
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid == 0)
    {
      close (fds[0]);
      probe_child (fds[1]);
    }
  close (fds[1]);
  if (pid < 0)
    {
      *reason = g_strdup_printf ("The sound system could not be checked (%s)",
                                 g_strerror (errno));
      close (fds[0]);
      return FALSE;
    }
  g_unix_set_fd_nonblocking (fds[0], TRUE, NULL);

  /* Watch the child, not the pipe's end of file: a sound server the scan starts may
   * inherit the pipe and hold it open long after the child is gone. */
  for (;;)
    {
      GPollFD pfd = { fds[0], G_IO_IN | G_IO_HUP, 0 };
      pid_t done;

      if (pipe_open)
        {
          g_poll (&pfd, 1, 20);
          pipe_open = drain (fds[0], output);
        }
      else
        g_usleep (20 * 1000);
      done = waitpid (pid, &status, WNOHANG);
      if (done == pid)
        break;
      if (done < 0 && errno != EINTR)
        {
          /* Someone else reaped it (SIGCHLD ignored): no answer to go by. */
          *reason = g_strdup_printf ("The sound system could not be checked (%s)",
                                     g_strerror (errno));
          close (fds[0]);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          kill (pid, SIGKILL);
          while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
            ;
          timed_out = TRUE;
          break;
        }
    }
  if (pipe_open)
    drain (fds[0], output);
  close (fds[0]);

  if (!timed_out && WIFEXITED (status) && WEXITSTATUS (status) == PROBE_OK)
    return TRUE;
  *reason = describe_failure (status, timed_out, output->str);
  return FALSE;
}
