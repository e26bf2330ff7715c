/* atl-engine-autoptr.h: g_autoptr() for the engine's types, which cannot depend on GLib
 * themselves. Include this (not the engine header alone) wherever app code owns one. */
#pragma once

#include <glib.h>

#include "atl-adamw.h"
#include "atl-policy.h"
#include "atl-policy-lanes.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlPolicy, atl_policy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlAdamW, atl_adamw_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlPolicyLanes, atl_policy_lanes_free)
