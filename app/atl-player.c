/* atl-player.c: AtlPlayer (see the header for what it promises).
 *
 * Threads and who touches what:
 *   main loop    the GObject, play/stop, the 30 Hz position timeout, stream open/close;
 *   feeder       owns the AtlSynth while running, writes the ring, sets feeder_done;
 *   audio        the PortAudio callback: reads the ring, counts frames and underruns,
 *                applies the stop fade; no malloc, free, lock or I/O.
 * They share a Playback through atomics only.
 */
#include "atl-player.h"

#include <portaudio.h>
#include <stdatomic.h>
#include <string.h>

#include "atl-audio-probe.h"
#include "atl-ring-buffer.h"

#define RING_FRAMES   16384   /* ≈ 0.34 s at 48 kHz: plenty against feeder hiccups */
#define FEED_FRAMES   1024
#define TICK_MS       33      /* ≈ 30 Hz position updates */
#define FADE_MS       5
#define STOP_WAIT_MS  500
#define SUGGESTED_LATENCY_S 0.02

G_DEFINE_QUARK (atl-player-error-quark, atl_player_error)
G_DEFINE_ENUM_TYPE (AtlPlayerState, atl_player_state,
  G_DEFINE_ENUM_VALUE (ATL_PLAYER_STATE_UNAVAILABLE, "unavailable"),
  G_DEFINE_ENUM_VALUE (ATL_PLAYER_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (ATL_PLAYER_STATE_PLAYING, "playing"))

typedef struct
{
  AtlRingBuffer   *ring;        /* (RING_FRAMES, channels floats) */
  AtlSynth        *synth;       /* the feeder's while it runs */
  PaStream        *stream;
  GThread         *feeder;
  int              channels;
  int              rate;
  int64_t          length;      /* frames of one pass with its tail */
  int64_t          period;      /* frames of one pass */
  atomic_bool      loop;
  atomic_bool      quit;        /* main → feeder */
  atomic_bool      feeder_done; /* feeder → audio: nothing more will come */
  atomic_bool      fade;        /* main → audio: fade out now and complete */
  atomic_bool      ever_looped;
  atomic_llong     frames_played;
  atomic_uint      underruns;
  int              fade_left;   /* audio thread only */
  float           *feed_buf;    /* feeder only, (FEED_FRAMES, channels) */
} Playback;

struct _AtlPlayer
{
  GObject        parent_instance;

  AtlPlayerState state;
  char          *unavailable_reason;
  gboolean       pa_initialized;
  gboolean       loop;
  double         position;
  double         duration;
  guint          underruns;
  Playback      *playback;
  guint          tick_id;
};

enum
{
  PROP_0,
  PROP_STATE,
  PROP_POSITION,
  PROP_DURATION,
  PROP_LOOP,
  PROP_UNAVAILABLE_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtlPlayer, atl_player, G_TYPE_OBJECT)

/* Audio thread ------------------------------------------------------------------------ */

static int
stream_cb (const void                     *input,
           void                           *output,
           unsigned long                   frames,
           const PaStreamCallbackTimeInfo *time_info,
           PaStreamCallbackFlags           flags,
           void                           *user_data)
{
  Playback *pb = user_data;
  float *out = output;
  size_t got = atl_ring_buffer_read (pb->ring, out, frames);
  gboolean done = atomic_load_explicit (&pb->feeder_done, memory_order_acquire);

  if (got < frames)
    {
      memset (out + got * pb->channels, 0, (frames - got) * pb->channels * sizeof (float));
      if (!done)
        atomic_fetch_add_explicit (&pb->underruns, 1, memory_order_relaxed);
    }
  atomic_fetch_add_explicit (&pb->frames_played, (long long) got, memory_order_relaxed);

  if (atomic_load_explicit (&pb->fade, memory_order_acquire))
    {
      int fade_frames = pb->rate * FADE_MS / 1000;

      if (pb->fade_left < 0)
        pb->fade_left = fade_frames;
      for (unsigned long i = 0; i < frames; i++)
        {
          float g = (float) pb->fade_left / (float) fade_frames;

          for (int c = 0; c < pb->channels; c++)
            out[i * pb->channels + c] *= g;
          if (pb->fade_left > 0)
            pb->fade_left--;
        }
      if (pb->fade_left == 0)
        return paComplete;
    }
  /* The melody has ended and the ring is empty: let PortAudio play out its buffers. */
  if (done && got < frames)
    return paComplete;
  return paContinue;
}

/* Feeder thread ----------------------------------------------------------------------- */

static gpointer
feeder_worker (gpointer data)
{
  Playback *pb = data;

  while (!atomic_load (&pb->quit))
    {
      size_t room = atl_ring_buffer_write_available (pb->ring);
      gboolean loop = atomic_load (&pb->loop);

      atl_synth_set_loop (pb->synth, loop);
      if (room >= FEED_FRAMES)
        {
          size_t n = atl_synth_render (pb->synth, pb->feed_buf, FEED_FRAMES);

          atl_ring_buffer_write (pb->ring, pb->feed_buf, n);
          if (loop && atl_synth_position (pb->synth) > pb->period)
            atomic_store (&pb->ever_looped, TRUE);
          if (atl_synth_finished (pb->synth))
            {
              atomic_store_explicit (&pb->feeder_done, TRUE, memory_order_release);
              break;
            }
        }
      else
        g_usleep (2000);
    }
  return NULL;
}

/* Main loop --------------------------------------------------------------------------- */

static void
playback_free (Playback *pb)
{
  if (pb == NULL)
    return;
  if (pb->feeder != NULL)
    {
      atomic_store (&pb->quit, TRUE);
      g_thread_join (pb->feeder);
    }
  if (pb->stream != NULL)
    Pa_CloseStream (pb->stream);
  atl_synth_free (pb->synth);
  atl_ring_buffer_free (pb->ring);
  g_free (pb->feed_buf);
  g_free (pb);
}

static void
set_state (AtlPlayer *self, AtlPlayerState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_position (AtlPlayer *self, double position)
{
  if (self->position == position)
    return;
  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

/* Closes the stream (after its own drain if it completed) and joins the feeder. */
static void
finish_playback (AtlPlayer *self)
{
  Playback *pb = g_steal_pointer (&self->playback);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (pb == NULL)
    return;
  if (Pa_IsStreamActive (pb->stream) == 1)
    Pa_AbortStream (pb->stream);
  else
    Pa_StopStream (pb->stream);
  self->underruns = atomic_load (&pb->underruns);
  playback_free (pb);
}

static gboolean
tick_cb (gpointer user_data)
{
  AtlPlayer *self = user_data;
  Playback *pb = self->playback;
  long long frames = atomic_load_explicit (&pb->frames_played, memory_order_relaxed);

  self->underruns = atomic_load (&pb->underruns);
  if (atomic_load (&pb->feeder_done) && Pa_IsStreamActive (pb->stream) != 1)
    {
      /* Natural end: the callback completed on an empty ring and PortAudio drained. */
      self->tick_id = 0;
      finish_playback (self);
      set_position (self, self->duration);
      set_state (self, ATL_PLAYER_STATE_STOPPED);
      return G_SOURCE_REMOVE;
    }
  if (atomic_load (&pb->ever_looped))
    set_position (self, (double) (frames % pb->period) / pb->rate);
  else
    set_position (self, MIN ((double) frames / pb->rate, self->duration));
  return G_SOURCE_CONTINUE;
}

gboolean
atl_player_play (AtlPlayer            *self,
                 const AtlMelody      *melody,
                 const AtlSynthParams *params,
                 GError              **error)
{
  PaStreamParameters out = { 0 };
  const PaDeviceInfo *device;
  AtlMsg msg = { { 0 } };
  Playback *pb;
  PaError err;
  size_t n;

  g_return_val_if_fail (ATL_IS_PLAYER (self), FALSE);

  if (self->state == ATL_PLAYER_STATE_UNAVAILABLE)
    {
      g_set_error (error, ATL_PLAYER_ERROR, ATL_PLAYER_ERROR_UNAVAILABLE, "%s",
                   self->unavailable_reason);
      return FALSE;
    }
  atl_player_stop (self);

  pb = g_new0 (Playback, 1);
  pb->fade_left = -1;
  if (atl_synth_new (melody, params, &pb->synth, &msg) != ATL_OK)
    {
      g_set_error (error, ATL_PLAYER_ERROR, ATL_PLAYER_ERROR_INVALID,
                   "Cannot play this melody: %s", msg.text);
      playback_free (pb);
      return FALSE;
    }
  pb->channels = params->channels;
  pb->rate = params->sample_rate;
  pb->length = atl_synth_length_frames (melody, params);
  pb->period = atl_synth_period_frames (pb->synth);
  pb->ring = atl_ring_buffer_new (sizeof (float) * pb->channels, RING_FRAMES);
  pb->feed_buf = g_new (float, FEED_FRAMES * pb->channels);
  atomic_store (&pb->loop, self->loop);
  atl_synth_set_loop (pb->synth, self->loop);

  /* Fill the ring before the device asks for anything: no underrun at the start. */
  while (atl_ring_buffer_write_available (pb->ring) >= FEED_FRAMES
         && (n = atl_synth_render (pb->synth, pb->feed_buf, FEED_FRAMES)) > 0)
    atl_ring_buffer_write (pb->ring, pb->feed_buf, n);
  if (atl_synth_finished (pb->synth))
    atomic_store (&pb->feeder_done, TRUE);

  out.device = Pa_GetDefaultOutputDevice ();
  device = out.device != paNoDevice ? Pa_GetDeviceInfo (out.device) : NULL;
  if (device == NULL)
    {
      g_set_error (error, ATL_PLAYER_ERROR, ATL_PLAYER_ERROR_DEVICE,
                   "The audio output device has gone away");
      playback_free (pb);
      return FALSE;
    }
  out.channelCount = pb->channels;
  out.sampleFormat = paFloat32;
  /* A fixed hint, not the device's defaultLowOutputLatency: PortAudio rounds it to what
   * the device can do anyway, and ALSA's null PCM leaves that field uninitialised
   * (valgrind: a branch on a libasound stack value). Below 20 ms a feeder hiccup is an
   * underrun. */
  out.suggestedLatency = SUGGESTED_LATENCY_S;
  err = Pa_OpenStream (&pb->stream, NULL, &out, pb->rate, paFramesPerBufferUnspecified,
                       paClipOff, stream_cb, pb);
  if (err == paNoError)
    err = Pa_StartStream (pb->stream);
  if (err != paNoError)
    {
      g_set_error (error, ATL_PLAYER_ERROR, ATL_PLAYER_ERROR_DEVICE,
                   "Could not play on “%s” at %d Hz: %s", device->name, pb->rate,
                   Pa_GetErrorText (err));
      playback_free (pb);
      return FALSE;
    }
  if (!atomic_load (&pb->feeder_done))
    pb->feeder = g_thread_new ("atl-player-feeder", feeder_worker, pb);

  self->playback = pb;
  self->underruns = 0;
  self->duration = (double) pb->length / pb->rate;
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  set_position (self, 0.0);
  set_state (self, ATL_PLAYER_STATE_PLAYING);
  return TRUE;
}

void
atl_player_stop (AtlPlayer *self)
{
  Playback *pb;

  g_return_if_fail (ATL_IS_PLAYER (self));

  pb = self->playback;
  if (pb == NULL)
    return;
  /* Fade out in the callback, then wait for PortAudio to play that out and stop. */
  atomic_store_explicit (&pb->fade, TRUE, memory_order_release);
  for (int waited = 0; waited < STOP_WAIT_MS && Pa_IsStreamActive (pb->stream) == 1;
       waited++)
    g_usleep (1000);
  finish_playback (self);
  set_position (self, 0.0);
  set_state (self, ATL_PLAYER_STATE_STOPPED);
}

void
atl_player_set_loop (AtlPlayer *self, gboolean loop)
{
  g_return_if_fail (ATL_IS_PLAYER (self));

  loop = !!loop;
  if (self->loop == loop)
    return;
  self->loop = loop;
  if (self->playback != NULL)
    atomic_store (&self->playback->loop, loop);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

gboolean
atl_player_get_loop (AtlPlayer *self)
{
  g_return_val_if_fail (ATL_IS_PLAYER (self), FALSE);
  return self->loop;
}

AtlPlayerState
atl_player_get_state (AtlPlayer *self)
{
  g_return_val_if_fail (ATL_IS_PLAYER (self), ATL_PLAYER_STATE_UNAVAILABLE);
  return self->state;
}

double
atl_player_get_position (AtlPlayer *self)
{
  g_return_val_if_fail (ATL_IS_PLAYER (self), 0.0);
  return self->position;
}

double
atl_player_get_duration (AtlPlayer *self)
{
  g_return_val_if_fail (ATL_IS_PLAYER (self), 0.0);
  return self->duration;
}

const char *
atl_player_get_unavailable_reason (AtlPlayer *self)
{
  g_return_val_if_fail (ATL_IS_PLAYER (self), NULL);
  return self->unavailable_reason;
}

guint
atl_player_get_underruns (AtlPlayer *self)
{
  g_return_val_if_fail (ATL_IS_PLAYER (self), 0);
  if (self->playback != NULL)
    return atomic_load (&self->playback->underruns);
  return self->underruns;
}

/* GObject ----------------------------------------------------------------------------- */

static void
make_unavailable (AtlPlayer *self, char *reason)
{
  self->state = ATL_PLAYER_STATE_UNAVAILABLE;
  self->unavailable_reason = reason;
}

static void
atl_player_init (AtlPlayer *self)
{
  const char *disable = g_getenv ("ATL_AUDIO_DISABLE");
  char *reason = NULL;
  PaError err;

  self->state = ATL_PLAYER_STATE_STOPPED;
  if (disable != NULL && g_strcmp0 (disable, "0") != 0 && disable[0] != '\0')
    {
      make_unavailable (self, g_strdup ("Playback is turned off (ATL_AUDIO_DISABLE is set)"));
      return;
    }
  /* PortAudio aborts the process on some broken ALSA set-ups: try it in a child first. */
  if (!atl_audio_probe (&reason))
    {
      make_unavailable (self, reason);
      return;
    }
  err = Pa_Initialize ();
  if (err != paNoError)
    {
      make_unavailable (self, g_strdup_printf ("The sound system could not start (%s)",
                                               Pa_GetErrorText (err)));
      return;
    }
  self->pa_initialized = TRUE;
  if (Pa_GetDefaultOutputDevice () == paNoDevice)
    make_unavailable (self, g_strdup ("No audio output device was found"));
}

static void
atl_player_dispose (GObject *object)
{
  AtlPlayer *self = ATL_PLAYER (object);

  if (self->playback != NULL)
    atl_player_stop (self);
  G_OBJECT_CLASS (atl_player_parent_class)->dispose (object);
}

static void
atl_player_finalize (GObject *object)
{
  AtlPlayer *self = ATL_PLAYER (object);

  g_free (self->unavailable_reason);
  if (self->pa_initialized)
    Pa_Terminate ();
  G_OBJECT_CLASS (atl_player_parent_class)->finalize (object);
}

static void
atl_player_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AtlPlayer *self = ATL_PLAYER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_POSITION:
      g_value_set_double (value, self->position);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;
    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;
    case PROP_UNAVAILABLE_REASON:
      g_value_set_string (value, self->unavailable_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_player_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AtlPlayer *self = ATL_PLAYER (object);

  switch (prop_id)
    {
    case PROP_LOOP:
      atl_player_set_loop (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atl_player_class_init (AtlPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = atl_player_dispose;
  object_class->finalize = atl_player_finalize;
  object_class->get_property = atl_player_get_property;
  object_class->set_property = atl_player_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, ATL_TYPE_PLAYER_STATE,
                       ATL_PLAYER_STATE_STOPPED, ro);
  properties[PROP_POSITION] =
    g_param_spec_double ("position", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                          | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNAVAILABLE_REASON] =
    g_param_spec_string ("unavailable-reason", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

AtlPlayer *
atl_player_new (void)
{
  return g_object_new (ATL_TYPE_PLAYER, NULL);
}
