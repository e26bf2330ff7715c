/* atl-player.h: melody playback through PortAudio.
 *
 * AtlPlayer renders with AtlSynth on a feeder thread into a lock-free ring; the PortAudio
 * callback only copies frames out of the ring (silence and an underrun count if it is
 * ever empty). Properties change on the main loop only: `position` is refreshed ~30 times
 * a second by one timeout while playing, never from the audio thread.
 *
 * No audio device (PortAudio finds none, cannot start, or ATL_AUDIO_DISABLE=1 is set) is
 * a state, not an error: `state` is UNAVAILABLE and `unavailable-reason` says why in words
 * a user can act on; everything else in the app keeps working, export included.
 *
 * A melody that ends by itself plays its last release tail out before the stream stops
 * (the callback completes only once the ring is empty, then PortAudio drains its own
 * buffers); `stop` fades out over 5 ms so it never clicks, and returns once the stream is
 * closed (within the output latency).
 */
#pragma once

#include <glib-object.h>

#include "atl-synth.h"

G_BEGIN_DECLS

#define ATL_PLAYER_ERROR (atl_player_error_quark ())

typedef enum
{
  ATL_PLAYER_ERROR_UNAVAILABLE,   /* no device: see unavailable-reason */
  ATL_PLAYER_ERROR_INVALID,       /* the melody or parameters cannot be rendered */
  ATL_PLAYER_ERROR_DEVICE,        /* the device refused the stream */
} AtlPlayerError;

typedef enum
{
  ATL_PLAYER_STATE_UNAVAILABLE,
  ATL_PLAYER_STATE_STOPPED,
  ATL_PLAYER_STATE_PLAYING,
} AtlPlayerState;

#define ATL_TYPE_PLAYER_STATE (atl_player_state_get_type ())
#define ATL_TYPE_PLAYER (atl_player_get_type ())

GType atl_player_state_get_type (void);
GQuark atl_player_error_quark   (void);

G_DECLARE_FINAL_TYPE (AtlPlayer, atl_player, ATL, PLAYER, GObject)

AtlPlayer     *atl_player_new                    (void);

/* Stops whatever plays and starts this melody (copied). */
gboolean       atl_player_play                   (AtlPlayer            *self,
                                                  const AtlMelody      *melody,
                                                  const AtlSynthParams *params,
                                                  GError              **error);
void           atl_player_stop                   (AtlPlayer            *self);

void           atl_player_set_loop               (AtlPlayer            *self,
                                                  gboolean              loop);
gboolean       atl_player_get_loop               (AtlPlayer            *self);
AtlPlayerState atl_player_get_state              (AtlPlayer            *self);
/* Seconds into the melody (into the current pass when looping). */
double         atl_player_get_position           (AtlPlayer            *self);
/* Seconds of the whole render, last tail included; 0 when nothing was played. */
double         atl_player_get_duration           (AtlPlayer            *self);
const char    *atl_player_get_unavailable_reason (AtlPlayer            *self);
/* Times the callback found the ring empty before the end, in the current or last play. */
guint          atl_player_get_underruns          (AtlPlayer            *self);

G_END_DECLS
