/* atl-bench-spawn.c: subprocess benchmarks and their peak memory (see atl-bench-spawn.h).
 *
 * The child is not reaped by GLib (G_SPAWN_DO_NOT_REAP_CHILD): its pipes are drained with
 * poll() in 100 ms slices, and at every slice the watched process's VmHWM is read; VmHWM
 * only grows, so the last reading before exit is within one slice of the peak. The child
 * is then reaped with wait4(), whose ru_maxrss is exact for the child itself.
 */
#include "atl-bench-spawn.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

double
atl_bench_vm_hwm_mb (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NAN;
  line = strstr (text, "VmHWM:");
  if (line == NULL)
    return NAN;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

/* The parent of pid from /proc/PID/stat ("pid (comm) state ppid …"), or −1. */
static int
parent_of (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  const char *close;
  int ppid = -1;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  close = strrchr (text, ')');
  if (close == NULL || sscanf (close + 1, " %*c %d", &ppid) != 1)
    return -1;
  return ppid;
}

static gboolean
descends_from (int pid,
               int ancestor)
{
  /* Wrappers nest a few levels (dbus-run-session → xvfb-run → the program). */
  for (int depth = 0; depth < 16 && pid > 1; depth++)
    {
      pid = parent_of (pid);
      if (pid == ancestor)
        return TRUE;
    }
  return FALSE;
}

/* The largest VmHWM among root's descendants named name. */
static double
watch_descendants (int         root,
                   const char *name)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *entry;
  double best = NAN;

  if (dir == NULL)
    return NAN;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = NULL, *comm = NULL;
      int pid;

      if (!g_ascii_isdigit (entry[0]))
        continue;
      pid = atoi (entry);
      comm_path = g_strdup_printf ("/proc/%d/comm", pid);
      if (!g_file_get_contents (comm_path, &comm, NULL, NULL))
        continue;
      g_strchomp (comm);
      if (g_str_equal (comm, name) && descends_from (pid, root))
        {
          double mb = atl_bench_vm_hwm_mb (pid);

          if (isfinite (mb) && !(mb <= best))
            best = mb;
        }
    }
  return best;
}

/* Reads what is there; FALSE at end of file. */
static gboolean
drain (int      fd,
       GString *into)
{
  char buf[4096];
  ssize_t n = read (fd, buf, sizeof buf);

  if (n > 0)
    {
      g_string_append_len (into, buf, n);
      return TRUE;
    }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

gboolean
atl_bench_spawn_run (char * const         *argv,
                     char * const         *envp,
                     const char           *watch_name,
                     AtlBenchSpawnResult  *r,
                     GError              **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  struct rusage usage;
  GPid pid;
  int out_fd, err_fd;
  gboolean out_open = TRUE, err_open = TRUE;
  gint64 t0 = g_get_monotonic_time ();

  memset (r, 0, sizeof *r);
  r->peak_rss_mb = NAN;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, (char **) envp,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &pid, NULL, &out_fd, &err_fd, error))
    return FALSE;
  while (out_open || err_open)
    {
      struct pollfd fds[2] = { { out_open ? out_fd : -1, POLLIN, 0 },
                               { err_open ? err_fd : -1, POLLIN, 0 } };
      double mb;

      if (poll (fds, 2, 100) > 0)
        {
          if (out_open && fds[0].revents != 0)
            out_open = drain (out_fd, out);
          if (err_open && fds[1].revents != 0)
            err_open = drain (err_fd, err);
        }
      mb = watch_name != NULL ? watch_descendants (pid, watch_name)
                              : atl_bench_vm_hwm_mb (pid);
      if (isfinite (mb) && !(mb <= r->peak_rss_mb))
        r->peak_rss_mb = mb;
    }
  close (out_fd);
  close (err_fd);
  while (wait4 (pid, &r->wait_status, 0, &usage) < 0 && errno == EINTR)
    ;
  r->seconds = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  /* ru_maxrss (kB) covers the child and its reaped descendants, so it is exact only when
   * the child is what is measured. */
  if (watch_name == NULL && !(usage.ru_maxrss / 1024.0 <= r->peak_rss_mb))
    r->peak_rss_mb = usage.ru_maxrss / 1024.0;
  g_spawn_close_pid (pid);
  r->out = g_string_free (g_steal_pointer (&out), FALSE);
  r->err = g_string_free (g_steal_pointer (&err), FALSE);
  return TRUE;
}

void
atl_bench_spawn_clear (AtlBenchSpawnResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}
