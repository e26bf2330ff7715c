/* atl-bench-spawn.h: run a benchmark program as a subprocess, keep its output, and watch
 * its peak resident memory.
 *
 * `atelier bench all` reuses the benchmarks that live in their own programs (the studio
 * bench links GTK, which the app layer must not; the synth and reward benches are meson
 * benchmarks) by running them. Memory is read from /proc while the child runs: VmHWM of
 * the child itself, or — when the measured program runs under wrappers such as
 * dbus-run-session and xvfb-run — of the descendant with the given command name; for the
 * child itself wait4's ru_maxrss adds the exact figure at exit.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *out;           /* stdout, NUL-terminated */
  char   *err;           /* stderr */
  int     wait_status;   /* as waitpid reports it */
  double  seconds;       /* wall clock from spawn to exit */
  double  peak_rss_mb;   /* VmHWM of the watched process, NaN if never seen */
} AtlBenchSpawnResult;

/* Runs argv (argv[0] a path, or a name looked up in PATH) with envp (NULL: inherited) until
 * it exits. watch_name: the command name (as /proc/PID/comm has it) of the descendant whose
 * memory to watch, or NULL for the child itself. FALSE only when it cannot be started;
 * a failing exit status is left in wait_status for the caller to judge. */
gboolean atl_bench_spawn_run   (char * const         *argv,
                                char * const         *envp,
                                const char           *watch_name,
                                AtlBenchSpawnResult  *result,
                                GError              **error);
void     atl_bench_spawn_clear (AtlBenchSpawnResult  *result);

/* VmHWM of a process in MB from /proc/PID/status, NaN if it is gone. */
double   atl_bench_vm_hwm_mb   (int                   pid);

G_END_DECLS
