/* atl-policy-lanes.h: a training step's forward and backward split by rows between lanes.
 *
 * A plain training step on two-threaded BLAS leaves one core idle through everything that
 * is not an sgemm (attention, LayerNorm, GELU, the softmax), while BLAS's second thread
 * spins waiting for the next sgemm: a quarter of a B 32 × T 128 step's perf samples were
 * that spin. Here the batch's rows are
 * cut in two, each half runs forward and backward in its own lane (atl-parallel.h) with
 * single-threaded BLAS, lane 0 on the policy itself and lane 1 on a replica, and the
 * replica's gradients are added to the policy's. The cut depends only on B, so a step's
 * result is the same on one thread as on two.
 *
 * Dimension legend: B batch, T time.
 */
#pragma once

#include "atl-policy.h"
#include "atl-status.h"

typedef struct _AtlPolicyLanes AtlPolicyLanes;

/* Lanes for training policy, which must outlive them. */
AtlStatus atl_policy_lanes_new  (AtlPolicy       *policy,
                                 AtlPolicyLanes **out_lanes,
                                 AtlMsg          *msg);
void      atl_policy_lanes_free (AtlPolicyLanes  *lanes);

/* atl_policy_forward with targets (B,T) and no mask, then atl_policy_backward (NULL): the
 * gradient of the mean loss over the whole batch's targets is added to the policy's
 * (which the caller zeroes), equal up to float rounding. out_loss (nullable) gets that
 * mean. The policy's own activations then hold only its half of the rows. */
AtlStatus atl_policy_lanes_step (AtlPolicyLanes  *lanes,
                                 const int       *tokens,
                                 const int       *targets,
                                 int              B,
                                 int              T,
                                 float           *out_loss,
                                 AtlMsg          *msg);
