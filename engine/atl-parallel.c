/* atl-parallel.c: lanes on pthreads; see atl-parallel.h. */
#include "atl-parallel.h"

#include <cblas.h>
#include <pthread.h>

#include "atl-nn.h"

typedef struct
{
  AtlParallelFunc  func;
  void            *user;
  int              lane;
} Job;

static void *
run_job (void *data)
{
  Job *job = data;

  job->func (job->user, job->lane);
  return NULL;
}

void
atl_parallel_run (int             n,
                  AtlParallelFunc func,
                  void           *user)
{
  Job jobs[ATL_PARALLEL_MAX_LANES];
  pthread_t threads[ATL_PARALLEL_MAX_LANES];
  int threads_n = atl_nn_get_threads (), started = 0;

  n = n < ATL_PARALLEL_MAX_LANES ? n : ATL_PARALLEL_MAX_LANES;
  if (threads_n < 2 || n < 2)
    {
      for (int i = 0; i < n; i++)
        func (user, i);
      return;
    }
  openblas_set_num_threads (1);
  /* i indexes lanes; lanes 1 … threads_n − 1 get threads, the rest run here in turn. */
  for (int i = 0; i < n; i++)
    jobs[i] = (Job) { .func = func, .user = user, .lane = i };
  for (int i = 1; i < n && i < threads_n; i++)
    if (pthread_create (&threads[i], NULL, run_job, &jobs[i]) == 0)
      started |= 1 << i;
  func (user, 0);
  for (int i = 1; i < n; i++)
    if (!(started & 1 << i))
      func (user, i);
  for (int i = 1; i < n; i++)
    if (started & 1 << i)
      pthread_join (threads[i], NULL);
  openblas_set_num_threads (threads_n);
}
