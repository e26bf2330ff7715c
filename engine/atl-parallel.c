/* atl-parallel.c: lanes on a small pool of persistent threads; see atl-parallel.h.
 *
 * The workers live as long as the process. A thread per run would be simpler, but
 * OpenBLAS gives every thread that calls it a buffer of its own and keeps it until the
 * library shuts down: fresh threads for every micro-batch grew the demo by 1.7 MB a step.
 */
#include "atl-parallel.h"

#include <cblas.h>
#include <pthread.h>
#include <stdint.h>

#include "atl-nn.h"

/* Held by the one caller that has the pool; another caller runs its lanes itself. */
static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  work_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t  done_cond = PTHREAD_COND_INITIALIZER;
static int             n_workers;    /* started; worker i runs lane i (1 … n_workers) */
static unsigned long   generation;   /* bumped for every run */
static int             pending;      /* workers still busy with the current run */
static AtlParallelFunc job_func;
static void           *job_user;
static int             job_n;
static unsigned long   born[ATL_PARALLEL_MAX_LANES]; /* the generation a worker started at */

static void *
worker (void *data)
{
  int lane = (int) (intptr_t) data;
  unsigned long seen;

  pthread_mutex_lock (&lock);
  seen = born[lane];
  for (;;)
    {
      AtlParallelFunc func;
      void *user;
      int n;

      while (generation == seen)
        pthread_cond_wait (&work_cond, &lock);
      seen = generation;
      func = job_func;
      user = job_user;
      n = job_n;
      pthread_mutex_unlock (&lock);
      if (lane < n)
        func (user, lane);
      pthread_mutex_lock (&lock);
      if (--pending == 0)
        pthread_cond_signal (&done_cond);
    }
  return NULL;
}

/* Starts workers up to want (under pool_busy); fewer if a thread cannot start. */
static void
grow (int want)
{
  while (n_workers < want && n_workers < ATL_PARALLEL_MAX_LANES - 1)
    {
      pthread_t thread;
      pthread_attr_t attr;
      int ok;

      pthread_attr_init (&attr);
      pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
      /* The worker may first take the lock after the next run has bumped the generation:
       * it starts from the one it was born in, so it never sleeps through its first run. */
      pthread_mutex_lock (&lock);
      born[n_workers + 1] = generation;
      ok = pthread_create (&thread, &attr, worker, (void *) (intptr_t) (n_workers + 1)) == 0;
      if (ok)
        n_workers++;
      pthread_mutex_unlock (&lock);
      pthread_attr_destroy (&attr);
      if (!ok)
        break;
    }
}

void
atl_parallel_run (int             n,
                  AtlParallelFunc func,
                  void           *user)
{
  int threads = atl_nn_get_threads (), helped;

  n = n < ATL_PARALLEL_MAX_LANES ? n : ATL_PARALLEL_MAX_LANES;
  if (threads < 2 || n < 2 || pthread_mutex_trylock (&pool_busy) != 0)
    {
      for (int i = 0; i < n; i++)
        func (user, i);
      return;
    }
  grow ((threads < n ? threads : n) - 1);
  helped = n_workers < n - 1 ? n_workers : n - 1;
  openblas_set_num_threads (1);
  pthread_mutex_lock (&lock);
  job_func = func;
  job_user = user;
  job_n = helped + 1;
  pending = n_workers;
  generation++;
  pthread_cond_broadcast (&work_cond);
  pthread_mutex_unlock (&lock);

  /* Lane 0 here, then the lanes no worker took. */
  func (user, 0);
  for (int i = helped + 1; i < n; i++)
    func (user, i);

  pthread_mutex_lock (&lock);
  while (pending > 0)
    pthread_cond_wait (&done_cond, &lock);
  pthread_mutex_unlock (&lock);
  openblas_set_num_threads (threads);
  pthread_mutex_unlock (&pool_busy);
}
