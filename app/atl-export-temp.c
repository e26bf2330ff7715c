/* atl-export-temp.c: naming, sweeping and writing export temp files.
 *
 * When is a temp file a leftover? Its writer renames it within seconds of its last
 * write, and every write refreshes its mtime, so a temp file being written is always a
 * fresh one. Two rules, both on files untouched for a while:
 *   - untouched for a minute and its pid is not running here: the writer was killed.
 *     The minute matters because the pid may belong to another pid namespace (a second
 *     flatpak instance, another machine on a shared folder) where it is alive and
 *     writing; such a writer keeps the mtime fresh.
 *   - untouched for an hour, whatever the pid: the pid was reused by another process,
 *     or the writer sits in another namespace and died there.
 * Should a rule ever misjudge (a writer stopped for over a minute in another namespace),
 * that writer's rename fails and its export reports an error; no finished file is lost,
 * since only names with our mark are ever removed.
 */
#include "atl-export-temp.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

char *
atl_export_temp_template (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  return g_strdup_printf ("%s/.%s" ATL_EXPORT_TEMP_MARK "%d-XXXXXX", dir, base, (int) getpid ());
}

/* ".<name>.atl-tmp-<pid>-XXXXXX" → TRUE and the pid. */
static gboolean
parse_temp_name (const char *name, pid_t *out_pid)
{
  const char *mark = g_strrstr (name, ATL_EXPORT_TEMP_MARK);
  const char *p, *digits;
  gint64 pid = 0;

  if (name[0] != '.' || mark == NULL || mark < name + 2)
    return FALSE;
  digits = p = mark + strlen (ATL_EXPORT_TEMP_MARK);
  while (g_ascii_isdigit (*p) && p - digits < 10)
    pid = 10 * pid + (*p++ - '0');
  if (p == digits || *p != '-' || pid <= 0 || pid > G_MAXINT32)
    return FALSE;
  p++;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isalnum (p[i]))
      return FALSE;
  if (p[6] != '\0')
    return FALSE;
  *out_pid = (pid_t) pid;
  return TRUE;
}

static gboolean
process_alive (pid_t pid)
{
  return kill (pid, 0) == 0 || errno == EPERM;
}

guint
atl_export_temp_sweep (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint removed = 0;

  if (folder == NULL)
    return 0;
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *file = NULL;
      GStatBuf st;
      gint64 age;
      pid_t pid;

      if (!parse_temp_name (name, &pid))
        continue;
      file = g_build_filename (dir, name, NULL);
      if (g_lstat (file, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      age = now - (gint64) st.st_mtime;
      if (age >= ATL_EXPORT_TEMP_MAX_AGE_S
          || (age >= ATL_EXPORT_TEMP_DEAD_AGE_S && !process_alive (pid)))
        if (g_unlink (file) == 0)
          removed++;
    }
  return removed;
}

static gboolean
set_error (GError **error, int err, const char *path, const char *what)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
               "Could not write “%s”: %s: %s", path, what, g_strerror (err));
  return FALSE;
}

gboolean
atl_export_temp_set_contents (const char  *path,
                              const void  *data,
                              gsize        len,
                              GError     **error)
{
  g_autofree char *tmp = atl_export_temp_template (path);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *p = data;
  int fd, dfd, err = 0;

  atl_export_temp_sweep (path);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return set_error (error, errno, path, "cannot create a temporary file beside it");
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          err = n < 0 ? errno : EIO;
          break;
        }
      p += n;
      len -= (gsize) n;
    }
  if (err == 0 && fsync (fd) != 0)
    err = errno;
  if (close (fd) != 0 && err == 0)
    err = errno;
  if (err == 0 && g_rename (tmp, path) != 0)
    err = errno;
  if (err != 0)
    {
      g_unlink (tmp);
      return set_error (error, err, path, "cannot write");
    }
  /* Make the rename itself durable. */
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}
