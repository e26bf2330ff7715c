/* atl-synth.c: the synth's stream: note scheduling, voice pool, mix, DC blocker, limiter.
 *
 * Rendering runs one 64-frame block ahead of what the caller has taken: the limiter looks
 * at the next block's peak before it lets the current one out, which is what lets it cut
 * the gain smoothly before a peak instead of after it (see limit_block). Notes start on
 * exact frames inside a block; voices come from a pool sized at creation for the most
 * notes that can ever sound at once, so rendering never allocates.
 *
 * Dimension legend: N frames per block (ATL_SYNTH_BLOCK), C output channels.
 */
#include "atl-synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atl-rng.h"
#include "atl-synth-private.h"

#define LIMIT_CEILING 0.98f
#define LIMIT_RELEASE_S 0.15
#define DC_POLE 0.9995f   /* ≈ 3.8 Hz at 48 kHz */

struct AtlSynth
{
  AtlSynthParams params;
  AtlMelody      melody;
  int64_t       *note_start;    /* (n_notes) frames from the start of a pass */
  int64_t       *note_off;      /* (n_notes) */
  double        *note_freq;     /* (n_notes) Hz */
  int64_t        period;        /* frames in one pass of the bars */
  int64_t        length;        /* frames of one pass with its last tail */

  int            cursor;        /* next note to start */
  int64_t        base;          /* absolute frame where the current pass began */
  bool           loop;

  AtlVoice      *voices;        /* (n_voices) */
  int            n_voices;
  float         *scratch;       /* (n_voices, scratch floats) */
  float          table[ATL_SYNTH_TABLE + 1];
  AtlRng         rng;

  int64_t        mix_frame;     /* absolute frame of the next block to mix */
  float          pending[ATL_SYNTH_BLOCK];   /* mixed, not yet limited */
  float          pending_peak;
  float          ready[ATL_SYNTH_BLOCK];     /* limited, being handed out */
  int            ready_pos;
  float          gain;          /* the limiter's gain at the end of the last block out */
  float          release_coef;
  float          dc_x1, dc_y1;
  int64_t        out_frame;     /* frames handed out */
};

void
atl_synth_params_init (AtlSynthParams *params)
{
  params->tonic = 60;
  params->tempo = 110.0;
  params->timbre = ATL_TIMBRE_PLUCK;
  params->gain = 0.8f;
  params->swing = 0.0f;
  params->sample_rate = 48000;
  params->channels = 2;
  params->seed = 1;
}

AtlStatus
atl_synth_check_params (const AtlSynthParams *p, AtlMsg *msg)
{
  if (p == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "no render parameters");
  if (p->tonic < 36 || p->tonic > 96)
    return atl_fail (msg, ATL_ERR_RANGE, "tonic MIDI note %d is outside 36 … 96", p->tonic);
  if (!(p->tempo >= 20.0 && p->tempo <= 400.0))
    return atl_fail (msg, ATL_ERR_RANGE, "tempo %g is outside 20 … 400 BPM", p->tempo);
  if (p->timbre < 0 || p->timbre >= ATL_N_TIMBRES)
    return atl_fail (msg, ATL_ERR_RANGE, "no timbre %d", (int) p->timbre);
  if (!(p->gain >= 0.0f && p->gain <= 2.0f))
    return atl_fail (msg, ATL_ERR_RANGE, "gain %g is outside 0 … 2", (double) p->gain);
  if (!(p->swing >= 0.0f && p->swing <= 1.0f / 3.0f + 1e-6f))
    return atl_fail (msg, ATL_ERR_RANGE, "swing %g is outside 0 … 1/3", (double) p->swing);
  if (p->sample_rate != 44100 && p->sample_rate != 48000)
    return atl_fail (msg, ATL_ERR_RANGE, "sample rate %d is neither 44100 nor 48000",
                     p->sample_rate);
  if (p->channels != 1 && p->channels != 2)
    return atl_fail (msg, ATL_ERR_RANGE, "%d channels (1 or 2 are supported)", p->channels);
  return ATL_OK;
}

AtlStatus
atl_synth_check_melody (const AtlMelody *m, AtlMsg *msg)
{
  int bar_steps, end = 0;

  if (m == NULL)
    return atl_fail (msg, ATL_ERR_INVALID, "no melody");
  if (m->metre < 0 || m->metre >= ATL_N_METRES)
    return atl_fail (msg, ATL_ERR_RANGE, "unknown metre %d", (int) m->metre);
  if (m->mode < 0 || m->mode >= ATL_N_MODES)
    return atl_fail (msg, ATL_ERR_RANGE, "unknown mode %d", (int) m->mode);
  if (m->n_bars < 1 || m->n_bars > 64)
    return atl_fail (msg, ATL_ERR_RANGE, "%d bars (1 … 64 are allowed)", m->n_bars);
  if (m->n_notes < 0 || m->n_notes > ATL_MELODY_MAX_NOTES)
    return atl_fail (msg, ATL_ERR_RANGE, "%d notes (at most %d)", m->n_notes,
                     ATL_MELODY_MAX_NOTES);
  bar_steps = atl_metre_steps_per_bar (m->metre);
  for (int i = 0; i < m->n_notes; i++)
    {
      const AtlNote *n = &m->notes[i];

      if (n->pitch < -12 || n->pitch > 24)
        return atl_fail (msg, ATL_ERR_RANGE, "note %d: pitch %d is outside −12 … +24", i,
                         n->pitch);
      if (n->velocity < 1 || n->velocity > 127)
        return atl_fail (msg, ATL_ERR_RANGE, "note %d: velocity %d is outside 1 … 127", i,
                         n->velocity);
      if (n->length < 1)
        return atl_fail (msg, ATL_ERR_RANGE, "note %d: length %d", i, n->length);
      if (n->start < end)
        return atl_fail (msg, ATL_ERR_INVALID, "note %d starts at step %d, before the "
                         "previous note ends (%d)", i, n->start, end);
      end = n->start + n->length;
      if (end > m->n_bars * bar_steps)
        return atl_fail (msg, ATL_ERR_RANGE, "note %d ends at step %d, after the last bar "
                         "(%d steps)", i, end, m->n_bars * bar_steps);
    }
  return ATL_OK;
}

const char *
atl_timbre_name (AtlTimbre timbre)
{
  static const char *names[ATL_N_TIMBRES] = { "pluck", "piano", "flute", "bell" };

  return timbre >= 0 && timbre < ATL_N_TIMBRES ? names[timbre] : "?";
}

bool
atl_timbre_from_name (const char *name, AtlTimbre *timbre)
{
  static const struct { const char *name; AtlTimbre timbre; } names[] = {
    { "pluck", ATL_TIMBRE_PLUCK }, { "plucked", ATL_TIMBRE_PLUCK },
    { "guitar", ATL_TIMBRE_PLUCK }, { "harp", ATL_TIMBRE_PLUCK },
    { "piano", ATL_TIMBRE_PIANO }, { "flute", ATL_TIMBRE_FLUTE },
    { "bell", ATL_TIMBRE_BELL }, { "bells", ATL_TIMBRE_BELL },
  };

  for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
    if (strcmp (names[i].name, name) == 0)
      {
        *timbre = names[i].timbre;
        return true;
      }
  return false;
}

static bool
metre_is_compound (AtlMetre metre)
{
  return metre == ATL_METRE_6_8 || metre == ATL_METRE_9_8 || metre == ATL_METRE_12_8;
}

double
atl_synth_beat_bpm (AtlMetre metre, double tempo)
{
  return metre_is_compound (metre) ? tempo * 2.0 / 3.0 : tempo;
}

double
atl_synth_step_seconds (const AtlMelody *melody, const AtlSynthParams *params, int step)
{
  double sixteenth = 15.0 / params->tempo;
  double sw = metre_is_compound (melody->metre) ? 0.0 : params->swing;
  int quarter = step / 4, u = step % 4;
  /* Within a quarter: steps 0 … 2 stretch by (1 + sw), steps 2 … 4 shrink by (1 − sw). */
  double in_quarter = u <= 2 ? u * (1.0 + sw) : 2.0 * (1.0 + sw) + (u - 2) * (1.0 - sw);

  return (4 * quarter + in_quarter) * sixteenth;
}

static int64_t
step_frame (const AtlMelody *melody, const AtlSynthParams *params, int step)
{
  return llround (atl_synth_step_seconds (melody, params, step) * params->sample_rate);
}

static int64_t
release_frames (const AtlSynthParams *params)
{
  double r = _atl_timbre_shape (params->timbre)->release_s;

  return llround ((r > 0.002 ? r : 0.002) * params->sample_rate);
}

int64_t
atl_synth_length_frames (const AtlMelody *melody, const AtlSynthParams *params)
{
  int64_t length;

  if (atl_synth_check_melody (melody, NULL) != ATL_OK
      || atl_synth_check_params (params, NULL) != ATL_OK)
    return -1;
  length = step_frame (melody, params,
                       melody->n_bars * atl_metre_steps_per_bar (melody->metre));
  for (int i = 0; i < melody->n_notes; i++)
    {
      const AtlNote *n = &melody->notes[i];
      int64_t end = step_frame (melody, params, n->start + n->length)
                    + release_frames (params);

      if (end > length)
        length = end;
    }
  return length;
}

/* The most notes sounding at once (note-on to end of release), counting the tails of
 * earlier passes when the melody loops. */
static int
max_overlap (const AtlSynth *s)
{
  int64_t rel = release_frames (&s->params);
  int64_t longest = 0;
  int passes, best = 1;

  for (int i = 0; i < s->melody.n_notes; i++)
    if (s->note_off[i] + rel - s->note_start[i] > longest)
      longest = s->note_off[i] + rel - s->note_start[i];
  passes = (int) (longest / s->period) + 2;
  for (int i = 0; i < s->melody.n_notes; i++)
    {
      int count = 0;

      for (int p = 0; p < passes; p++)
        for (int j = 0; j < s->melody.n_notes; j++)
          {
            int64_t a = s->note_start[j] - p * s->period;
            int64_t b = s->note_off[j] + rel - p * s->period;

            count += a <= s->note_start[i] && s->note_start[i] < b;
          }
      if (count > best)
        best = count;
    }
  return best;
}

static void
start_note (AtlSynth *s, int index, int64_t frame0)
{
  int64_t start = s->base + s->note_start[index];
  AtlVoice *voice = NULL;

  for (int v = 0; v < s->n_voices && voice == NULL; v++)
    if (!s->voices[v].active)
      voice = &s->voices[v];
  if (voice == NULL)
    return;   /* cannot happen: the pool holds the worst case */
  _atl_voice_start (voice, s->params.timbre, s->note_freq[index],
                    s->melody.notes[index].velocity, start, s->base + s->note_off[index],
                    (int) (start - frame0), s->params.sample_rate,
                    (uint32_t) (atl_rng_next (&s->rng) >> 32));
}

/* Mixes the block that starts at s->mix_frame into mix (N) and returns its peak. */
static float
mix_block (AtlSynth *s, float *mix)
{
  int64_t frame0 = s->mix_frame, frame1 = frame0 + ATL_SYNTH_BLOCK;
  float peak = 0.0f, gain = s->params.gain;

  memset (mix, 0, ATL_SYNTH_BLOCK * sizeof (float));
  for (;;)
    {
      if (s->cursor < s->melody.n_notes && s->base + s->note_start[s->cursor] < frame1)
        start_note (s, s->cursor++, frame0);
      else if (s->cursor == s->melody.n_notes && s->loop && s->base + s->period < frame1)
        {
          s->base += s->period;
          s->cursor = 0;
        }
      else
        break;
    }
  for (int v = 0; v < s->n_voices; v++)
    {
      AtlVoice *voice = &s->voices[v];

      if (voice->active)
        _atl_voice_render (voice, s->table, frame0,
                           voice->start_frame > frame0 ? (int) (voice->start_frame - frame0) : 0,
                           s->params.sample_rate, mix);
    }
  /* DC blocker, then the master gain. */
  for (int n = 0; n < ATL_SYNTH_BLOCK; n++)
    {
      float y = mix[n] - s->dc_x1 + DC_POLE * s->dc_y1;

      s->dc_x1 = mix[n];
      s->dc_y1 = y;
      mix[n] = gain * y;
      peak = fabsf (mix[n]) > peak ? fabsf (mix[n]) : peak;
    }
  if (fabsf (s->dc_y1) < 1e-20f)
    s->dc_y1 = 0.0f;   /* no denormals in long silences */
  s->mix_frame = frame1;
  return peak;
}

/* Lets the pending block out through the limiter and mixes the next one. The gain at the
 * end of a block is at most ceiling / peak of both that block and the next, so a linear
 * ramp between block ends never lets any sample past the ceiling. */
static void
limit_block (AtlSynth *s)
{
  float next[ATL_SYNTH_BLOCK];
  float next_peak = mix_block (s, next);
  float from = s->gain;
  float to = from + (1.0f - from) * s->release_coef;

  if (s->pending_peak * to > LIMIT_CEILING)
    to = LIMIT_CEILING / s->pending_peak;
  if (next_peak * to > LIMIT_CEILING)
    to = LIMIT_CEILING / next_peak;
  for (int n = 0; n < ATL_SYNTH_BLOCK; n++)
    {
      float g = from + (to - from) * (float) (n + 1) / ATL_SYNTH_BLOCK;
      float y = s->pending[n] * g;

      /* The ramp already keeps |y| ≤ ceiling; the clamp only catches rounding. */
      s->ready[n] = y > LIMIT_CEILING ? LIMIT_CEILING : y < -LIMIT_CEILING ? -LIMIT_CEILING : y;
    }
  s->gain = to;
  memcpy (s->pending, next, sizeof next);
  s->pending_peak = next_peak;
  s->ready_pos = 0;
}

static int64_t
end_frame (const AtlSynth *s)
{
  return s->loop ? INT64_MAX : s->base + s->length;
}

AtlStatus
atl_synth_new (const AtlMelody      *melody,
               const AtlSynthParams *params,
               AtlSynth            **out,
               AtlMsg               *msg)
{
  AtlSynth *s;
  size_t scratch_floats = _atl_voice_scratch_floats ();
  AtlStatus status;
  int n;

  *out = NULL;
  if ((status = atl_synth_check_melody (melody, msg)) != ATL_OK
      || (status = atl_synth_check_params (params, msg)) != ATL_OK)
    return status;

  s = calloc (1, sizeof *s);
  if (s == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "out of memory for the synth");
  s->params = *params;
  s->melody = *melody;
  n = melody->n_notes;
  s->note_start = calloc (n + 1, sizeof (int64_t));
  s->note_off = calloc (n + 1, sizeof (int64_t));
  s->note_freq = calloc (n + 1, sizeof (double));
  if (s->note_start == NULL || s->note_off == NULL || s->note_freq == NULL)
    {
      atl_synth_free (s);
      return atl_fail (msg, ATL_ERR_NOMEM, "out of memory for the synth");
    }
  for (int i = 0; i < n; i++)
    {
      const AtlNote *note = &melody->notes[i];

      s->note_start[i] = step_frame (melody, params, note->start);
      s->note_off[i] = step_frame (melody, params, note->start + note->length);
      s->note_freq[i] = 440.0 * pow (2.0, (params->tonic + note->pitch - 69) / 12.0);
    }
  s->period = step_frame (melody, params,
                          melody->n_bars * atl_metre_steps_per_bar (melody->metre));
  s->length = atl_synth_length_frames (melody, params);

  s->n_voices = max_overlap (s) + 1;
  s->voices = calloc (s->n_voices, sizeof (AtlVoice));
  s->scratch = calloc ((size_t) s->n_voices * scratch_floats, sizeof (float));
  if (s->voices == NULL || s->scratch == NULL)
    {
      atl_synth_free (s);
      return atl_fail (msg, ATL_ERR_NOMEM, "out of memory for %d voices", s->n_voices);
    }
  for (int v = 0; v < s->n_voices; v++)
    s->voices[v].scratch = s->scratch + (size_t) v * scratch_floats;
  _atl_voice_fill_table (s->table);
  atl_rng_seed (&s->rng, params->seed);
  s->release_coef = (float) (1.0 - exp (-ATL_SYNTH_BLOCK
                                        / (LIMIT_RELEASE_S * params->sample_rate)));

  /* Prime the look-ahead: the first block waits in `pending`. */
  s->pending_peak = mix_block (s, s->pending);
  s->gain = s->pending_peak > LIMIT_CEILING ? LIMIT_CEILING / s->pending_peak : 1.0f;
  s->ready_pos = ATL_SYNTH_BLOCK;
  *out = s;
  return ATL_OK;
}

void
atl_synth_free (AtlSynth *synth)
{
  if (synth == NULL)
    return;
  free (synth->note_start);
  free (synth->note_off);
  free (synth->note_freq);
  free (synth->voices);
  free (synth->scratch);
  free (synth);
}

size_t
atl_synth_render (AtlSynth *s, float *out, size_t n_frames)
{
  int ch = s->params.channels;
  size_t done = 0;

  while (done < n_frames && s->out_frame < end_frame (s))
    {
      int64_t left = end_frame (s) - s->out_frame;
      size_t take;

      if (s->ready_pos == ATL_SYNTH_BLOCK)
        limit_block (s);
      take = (size_t) (ATL_SYNTH_BLOCK - s->ready_pos);
      if (take > n_frames - done)
        take = n_frames - done;
      if ((int64_t) take > left)
        take = (size_t) left;
      if (ch == 2)
        for (size_t i = 0; i < take; i++)
          out[2 * (done + i)] = out[2 * (done + i) + 1] = s->ready[s->ready_pos + i];
      else
        memcpy (out + done, s->ready + s->ready_pos, take * sizeof (float));
      s->ready_pos += (int) take;
      s->out_frame += (int64_t) take;
      done += take;
    }
  return done;
}

void
atl_synth_set_loop (AtlSynth *synth, bool loop)
{
  synth->loop = loop;
}

bool
atl_synth_finished (const AtlSynth *synth)
{
  return synth->out_frame >= end_frame (synth);
}

int64_t
atl_synth_position (const AtlSynth *synth)
{
  return synth->out_frame;
}

int64_t
atl_synth_period_frames (const AtlSynth *synth)
{
  return synth->period;
}

AtlStatus
atl_synth_render_all (const AtlMelody      *melody,
                      const AtlSynthParams *params,
                      float               **out,
                      int64_t              *n_frames,
                      AtlMsg               *msg)
{
  AtlSynth *synth = NULL;
  AtlStatus status;
  int64_t length;
  float *pcm;

  *out = NULL;
  *n_frames = 0;
  if ((status = atl_synth_new (melody, params, &synth, msg)) != ATL_OK)
    return status;
  length = synth->length;
  pcm = malloc ((size_t) length * params->channels * sizeof (float));
  if (pcm == NULL)
    {
      atl_synth_free (synth);
      return atl_fail (msg, ATL_ERR_NOMEM, "out of memory for %lld frames",
                       (long long) length);
    }
  atl_synth_render (synth, pcm, (size_t) length);
  atl_synth_free (synth);
  *out = pcm;
  *n_frames = length;
  return ATL_OK;
}
