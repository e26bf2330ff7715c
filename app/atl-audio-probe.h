/* atl-audio-probe.h: can PortAudio start here without taking the process down?
 *
 * PortAudio's ALSA device scan asserts on some broken ALSA configurations (an
 * ALSA_CONFIG_PATH naming a missing file makes BuildDeviceList abort), and an abort in
 * the studio would lose the artist's unsaved view for the sake of a sound card. The
 * probe runs the scan in a throw-away child process first; only when the child comes
 * back cleanly with a default output device may the caller start PortAudio itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seconds the scan may take before the probe gives up on it (a hung sound server). */
#define ATL_AUDIO_PROBE_TIMEOUT_S 10

/* TRUE if PortAudio starts and has a default output device. Otherwise FALSE with
 * `*reason` (owned, one sentence for the artist) naming what failed — ALSA's own first
 * complaint when it made one, since that names the broken file. */
gboolean atl_audio_probe (char **reason);

G_END_DECLS
