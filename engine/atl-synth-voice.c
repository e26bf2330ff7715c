/* atl-synth-voice.c: the four instruments of the built-in synth, and their envelope.
 *
 * One voice plays one note. Each timbre makes a raw signal for a block, the ADSR envelope
 * shapes it (always starting and ending at zero), and the voice adds it to the mix:
 *
 *   pluck  Karplus–Strong (Jaffe & Smith): a delay line of one period filled with a
 *          velocity-coloured, pick-position-combed noise burst, fed back through a one-zero
 *          damping low-pass and a first-order all-pass that tunes the fractional part of
 *          the period, with a loop gain set for a pitch-dependent T60.
 *   piano  eight decaying partials: a slightly detuned pair on the fundamental (the beating
 *          of unison strings), then partials stretched by string stiffness
 *          (f_k = k·f·√(1 + B·k²)); a soft hammer is a slow-ish attack and a velocity-
 *          dependent spectral tilt; higher partials die faster.
 *   flute  a near-sine wavetable (weak 2nd and 3rd harmonics), breath noise band-passed
 *          around the tone that is strongest at the attack ("chiff"), and a vibrato that
 *          fades in after the note has settled.
 *   bell   eight inharmonic partials in church-bell ratios (hum, prime, minor-third tierce,
 *          quint, nominal …), each with its own long decay.
 *
 * Modal voices (piano, bell) are computed a block at a time in closed form: partial k at
 * offset n is Im(z_k · w_k^n) with w_k = r_k·e^{iθ_k} tabulated per voice, so the inner loop
 * runs over n without a recurrence and vectorizes.
 */
#include "atl-synth-private.h"

#include <math.h>
#include <string.h>

#define TWO_PI 6.283185307179586

static const AtlTimbreShape shapes[ATL_N_TIMBRES] = {
  /*            attack  decay  sustain release level */
  [ATL_TIMBRE_PLUCK] = { 0.003f, 0.0f,  1.0f,  0.08f, 1.00f },
  [ATL_TIMBRE_PIANO] = { 0.006f, 0.0f,  1.0f,  0.18f, 0.36f },
  [ATL_TIMBRE_FLUTE] = { 0.050f, 0.08f, 0.8f,  0.09f, 0.40f },
  [ATL_TIMBRE_BELL]  = { 0.003f, 0.0f,  1.0f,  1.20f, 0.30f },
};

/* Below this block peak (after the attack) a voice is inaudible: it fades out in 5 ms. */
#define CULL_LEVEL 1e-3f

const AtlTimbreShape *
_atl_timbre_shape (AtlTimbre timbre)
{
  return &shapes[timbre >= 0 && timbre < ATL_N_TIMBRES ? timbre : 0];
}

size_t
_atl_voice_scratch_floats (void)
{
  size_t modal = 2 * ATL_SYNTH_PARTIALS * (ATL_SYNTH_BLOCK + 1);

  return modal > ATL_SYNTH_MAX_DELAY ? modal : ATL_SYNTH_MAX_DELAY;
}

void
_atl_voice_fill_table (float *table)
{
  float peak = 0.0f;

  for (int i = 0; i <= ATL_SYNTH_TABLE; i++)
    {
      double x = TWO_PI * i / ATL_SYNTH_TABLE;

      table[i] = (float) (sin (x) + 0.20 * sin (2 * x) + 0.07 * sin (3 * x));
      peak = fmaxf (peak, fabsf (table[i]));
    }
  for (int i = 0; i <= ATL_SYNTH_TABLE; i++)
    table[i] /= peak;
  table[ATL_SYNTH_TABLE] = table[0];
}

static inline float
noise_next (uint32_t *x)
{
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return (float) (int32_t) *x * (1.0f / 2147483648.0f);
}

static int64_t
frames_of (double seconds, int sample_rate, double at_least)
{
  double s = seconds > at_least ? seconds : at_least;

  return (int64_t) llround (s * sample_rate);
}

/* Envelope ------------------------------------------------------------------------- */

static void
env_release (AtlEnv *env, int64_t frames)
{
  env->stage = ATL_ENV_RELEASE;
  env->left = frames;
  env->step = -env->level / (float) frames;
}

/* Writes the envelope of frames [from, N) of the block starting at frame0 into out. Each
 * frame gets the level before the stage advances, so the very first frame is 0. Works a
 * segment at a time (up to the next stage change or the note-off), so the inner loops are
 * plain ramps. */
static void
env_block (AtlEnv *env, int64_t frame0, int from, float *out)
{
  int n = from;

  while (n < ATL_SYNTH_BLOCK)
    {
      int seg = ATL_SYNTH_BLOCK - n;
      float level = env->level, step = env->step;

      if (env->stage < ATL_ENV_RELEASE)
        {
          if (frame0 + n >= env->off_frame)
            {
              env_release (env, env->release_frames);
              continue;
            }
          if (env->off_frame - (frame0 + n) < seg)
            seg = (int) (env->off_frame - (frame0 + n));
        }

      if (env->stage == ATL_ENV_SUSTAIN || env->stage == ATL_ENV_DONE)
        {
          for (int i = 0; i < seg; i++)
            out[n + i] = level;
          n += seg;
          continue;
        }

      if (env->left < seg)
        seg = (int) env->left;
      /* Most blocks are one segment: the fixed trip count of this branch vectorizes. */
      if (seg == ATL_SYNTH_BLOCK)
        for (int i = 0; i < ATL_SYNTH_BLOCK; i++)
          out[i] = level + step * (float) i;
      else
        for (int i = 0; i < seg; i++)
          out[n + i] = level + step * (float) i;
      n += seg;
      env->left -= seg;
      env->level = level + step * (float) seg;
      if (env->left > 0)
        continue;

      /* The stage is over: land exactly on its target. */
      switch (env->stage)
        {
        case ATL_ENV_ATTACK:
          env->level = 1.0f;
          if (env->decay_frames > 0)
            {
              env->stage = ATL_ENV_DECAY;
              env->left = env->decay_frames;
              env->step = (env->sustain - 1.0f) / (float) env->decay_frames;
            }
          else
            env->stage = ATL_ENV_SUSTAIN;
          break;
        case ATL_ENV_DECAY:
          env->level = env->sustain;
          env->stage = ATL_ENV_SUSTAIN;
          break;
        case ATL_ENV_RELEASE:
        default:
          env->level = 0.0f;
          env->stage = ATL_ENV_DONE;
          break;
        }
    }
}

/* Start ------------------------------------------------------------------------------ */

static void
modal_start (AtlVoice   *voice,
             const float *ratios,
             const float *amps,
             const float *t60s,
             double      freq,
             int         offset,
             int         sample_rate)
{
  const int stride = ATL_SYNTH_BLOCK + 1;
  int k = 0;

  voice->wr = voice->scratch;
  voice->wi = voice->scratch + ATL_SYNTH_PARTIALS * stride;
  for (int p = 0; p < ATL_SYNTH_PARTIALS; p++)
    {
      double fk = freq * ratios[p];
      double theta = TWO_PI * fk / sample_rate;
      /* Amplitude 10⁻³ (−60 dB) after t60 seconds. */
      double log_r = -6.907755 / (t60s[p] * sample_rate);

      /* A partial at or above 0.45·fs would alias: leave it out. */
      if (fk >= 0.45 * sample_rate || amps[p] <= 0.0f)
        continue;
      /* w^n by repeated complex multiplication in double: 64 steps lose ~1e-14, far
       * below float resolution, and cost a tenth of an exp, cos and sin per entry. */
      {
        double mr = exp (log_r), cr = mr * cos (theta), ci = mr * sin (theta);
        double pr = 1.0, pi = 0.0;

        for (int n = 0; n < stride; n++)
          {
            double t = pr * cr - pi * ci;

            voice->wr[k * stride + n] = (float) pr;
            voice->wi[k * stride + n] = (float) pi;
            pi = pr * ci + pi * cr;
            pr = t;
          }
      }
      /* Phase zero (a zero sample) at the note's first frame, `offset` into the block. */
      voice->zr[k] = (float) (amps[p] * exp (-log_r * offset) * cos (-theta * offset));
      voice->zi[k] = (float) (amps[p] * exp (-log_r * offset) * sin (-theta * offset));
      voice->live[k] = (uint8_t) k;
      k++;
    }
  voice->n_partials = k;
}

static void
piano_start (AtlVoice *voice, double freq, int velocity, int offset, int sample_rate)
{
  const double B = 0.00025;   /* stiffness of a mid-range string */
  float ratios[ATL_SYNTH_PARTIALS], amps[ATL_SYNTH_PARTIALS], t60s[ATL_SYNTH_PARTIALS];
  /* A soft hammer (low velocity) excites the upper partials less. */
  double tilt = 0.28 + 0.42 * velocity / 127.0;
  double t60 = fmin (fmax (3.2 * pow (262.0 / freq, 0.45), 0.5), 8.0);

  /* Two strings on the fundamental, ±0.7 cent: a slow, warm beating. */
  ratios[0] = (float) pow (2.0, -0.7 / 1200.0);
  ratios[1] = (float) pow (2.0, 0.7 / 1200.0);
  amps[0] = amps[1] = 0.5f;
  t60s[0] = t60s[1] = (float) t60;
  for (int p = 2; p < ATL_SYNTH_PARTIALS; p++)
    {
      int k = p;   /* slots 2 … 7 hold partials 2 … 7 */

      ratios[p] = (float) (k * sqrt (1.0 + B * k * k) / sqrt (1.0 + B));
      amps[p] = (float) (pow (tilt, k - 1) / k * 1.6);
      t60s[p] = (float) (t60 / (1.0 + 0.45 * (k - 1)));
    }
  modal_start (voice, ratios, amps, t60s, freq, offset, sample_rate);
}

static void
bell_start (AtlVoice *voice, double freq, int velocity, int offset, int sample_rate)
{
  static const float ratios[ATL_SYNTH_PARTIALS] =
    { 0.5f, 1.0f, 1.183f, 1.506f, 2.0f, 2.514f, 2.662f, 3.011f };
  static const float base_amps[ATL_SYNTH_PARTIALS] =
    { 0.30f, 1.0f, 0.45f, 0.28f, 0.55f, 0.28f, 0.18f, 0.14f };
  static const float base_t60[ATL_SYNTH_PARTIALS] =
    { 7.0f, 5.0f, 3.6f, 3.0f, 2.6f, 1.8f, 1.5f, 1.1f };
  float amps[ATL_SYNTH_PARTIALS], t60s[ATL_SYNTH_PARTIALS];
  double scale = fmin (fmax (pow (523.0 / freq, 0.35), 0.4), 2.0);
  double bright = 0.6 + 0.4 * velocity / 127.0;

  for (int p = 0; p < ATL_SYNTH_PARTIALS; p++)
    {
      amps[p] = base_amps[p] * (float) (p >= 4 ? bright : 1.0);
      t60s[p] = (float) (base_t60[p] * scale);
    }
  modal_start (voice, ratios, amps, t60s, freq, offset, sample_rate);
}

static void
pluck_start (AtlVoice *voice, double freq, int velocity, int sample_rate)
{
  /* Loop delay = N (the line) + ½ (the damping filter) + d (the all-pass), = fs / f. */
  double period = sample_rate / freq;
  int n = (int) floor (period - 0.5 - 0.1);
  double d, t60, mean = 0.0, energy = 0.0, lp = 0.0, lp2 = 0.0, lp3 = 0.0;
  /* A harder pluck is brighter: a wider low-pass on the burst. */
  float alpha = (float) (0.15 + 0.40 * pow (velocity / 127.0, 1.5));
  int comb;

  if (n < 2)
    n = 2;
  if (n > ATL_SYNTH_MAX_DELAY)
    n = ATL_SYNTH_MAX_DELAY;
  d = period - 0.5 - n;
  t60 = fmin (fmax (4.5 * pow (110.0 / freq, 0.5), 0.6), 8.0);

  voice->delay = voice->scratch;
  voice->delay_len = n;
  voice->delay_pos = 0;
  voice->ap_coef = (float) ((1.0 - d) / (1.0 + d));
  voice->loop_gain = (float) pow (10.0, -3.0 / (freq * t60));
  voice->lp_x1 = voice->ap_x1 = voice->ap_y1 = 0.0f;

  /* Three one-pole low-passes: a pick is a soft-edged impulse, not hiss up to 20 kHz
   * (a brighter burst draws a vertical line through the spectrogram at every note). */
  for (int i = 0; i < n; i++)
    {
      lp += alpha * (noise_next (&voice->noise) - lp);
      lp2 += alpha * (lp - lp2);
      lp3 += alpha * (lp2 - lp3);
      voice->delay[i] = (float) lp3;
    }
  /* Plucking an eighth of the way along the string cancels every eighth harmonic: a comb
   * on the burst. Run backwards so each tap reads the uncombed value. */
  comb = (int) lround (0.12 * n);
  if (comb < 1)
    comb = 1;
  for (int i = n - 1; i >= comb; i--)
    voice->delay[i] -= voice->delay[i - comb];
  for (int i = 0; i < n; i++)
    mean += voice->delay[i];
  mean /= n;
  for (int i = 0; i < n; i++)
    {
      voice->delay[i] -= (float) mean;   /* no DC trapped in the loop */
      energy += (double) voice->delay[i] * voice->delay[i];
    }
  /* Same loudness for every burst: RMS 0.4 (the peaks stay near 1). */
  for (int i = 0; i < n && energy > 0.0; i++)
    voice->delay[i] = (float) (voice->delay[i] * 0.4 / sqrt (energy / n));
}

void
_atl_voice_start (AtlVoice   *voice,
                  AtlTimbre   timbre,
                  double      freq,
                  int         velocity,
                  int64_t     start,
                  int64_t     off,
                  int         offset,
                  int         sample_rate,
                  uint32_t    noise_seed)
{
  const AtlTimbreShape *shape = _atl_timbre_shape (timbre);
  AtlEnv *env = &voice->env;
  double v = velocity / 127.0;
  int64_t attack = frames_of (shape->attack_s, sample_rate, 0.002);

  voice->timbre = timbre;
  voice->active = true;
  voice->start_frame = start;
  voice->amp = shape->level * (float) (0.15 + 0.85 * v * sqrt (v));
  voice->noise = noise_seed != 0 ? noise_seed : 0x9e3779b9u;
  voice->age = 0;

  env->stage = ATL_ENV_ATTACK;
  env->level = 0.0f;
  env->left = attack;
  env->step = 1.0f / (float) attack;
  env->sustain = shape->sustain;
  env->decay_frames = shape->decay_s > 0.0f ? frames_of (shape->decay_s, sample_rate, 0.0) : 0;
  env->release_frames = frames_of (shape->release_s, sample_rate, 0.002);
  env->off_frame = off;

  switch (timbre)
    {
    case ATL_TIMBRE_PLUCK:
      pluck_start (voice, freq, velocity, sample_rate);
      break;
    case ATL_TIMBRE_PIANO:
      piano_start (voice, freq, velocity, offset, sample_rate);
      break;
    case ATL_TIMBRE_BELL:
      bell_start (voice, freq, velocity, offset, sample_rate);
      break;
    case ATL_TIMBRE_FLUTE:
    default:
      voice->phase = 0.0;
      voice->phase_inc = freq / sample_rate;
      voice->vib_phase = 0.0;
      voice->breath_lp = voice->breath_lp2 = voice->breath_hp = 0.0f;
      break;
    }
}

/* Render ------------------------------------------------------------------------------ */

/* Adds four partials (table rows wr[g], wi[g] weighted by z[g]; a padding entry repeats a
 * live row with zero weight) to the whole block in one pass: raw is loaded and stored once
 * for all four, where a pass per partial would spend half its loads on it. The sum is
 * written out because GCC vectorizes the loop over n only when it is the innermost one
 * (and, measured, not at all with eight terms: too many live registers). The whole block is computed, even before `from` (the envelope zeroes it
 * there): a fixed trip count is what lets -O2 vectorize. */
static inline void
modal_add4 (float *restrict raw, const float *const wr[], const float *const wi[],
            const float zr[], const float zi[])
{
  for (int n = 0; n < ATL_SYNTH_BLOCK; n++)
    raw[n] += zr[0] * wi[0][n] + zi[0] * wr[0][n] + zr[1] * wi[1][n] + zi[1] * wr[1][n]
              + zr[2] * wi[2][n] + zi[2] * wr[2][n] + zr[3] * wi[3][n] + zi[3] * wr[3][n];
}

_Static_assert (ATL_SYNTH_PARTIALS % 4 == 0, "modal_block pads partials to groups of four");

/* The hot loop of the piano and the bell: AVX2 + FMA where the CPU has them. */
__attribute__ ((target_clones ("arch=x86-64-v3", "default")))
static void
modal_block (AtlVoice *voice, float *raw)
{
  const int stride = ATL_SYNTH_BLOCK + 1;
  const float *wr[ATL_SYNTH_PARTIALS], *wi[ATL_SYNTH_PARTIALS];
  float zr[ATL_SYNTH_PARTIALS], zi[ATL_SYNTH_PARTIALS];
  int n_live = voice->n_partials, live = 0;

  if (n_live == 0)
    return;
  for (int g = 0; g < ATL_SYNTH_PARTIALS; g++)
    {
      int k = voice->live[g < n_live ? g : 0];

      wr[g] = voice->wr + k * stride;
      wi[g] = voice->wi + k * stride;
      zr[g] = g < n_live ? voice->zr[k] : 0.0f;
      zi[g] = g < n_live ? voice->zi[k] : 0.0f;
    }
  for (int g = 0; g < n_live; g += 4)
    modal_add4 (raw, wr + g, wi + g, zr + g, zi + g);

  for (int j = 0; j < voice->n_partials; j++)
    {
      /* z ← z · w^N: the partial's phasor at the next block's first frame. */
      int k = voice->live[j];
      float wnr = voice->wr[k * stride + ATL_SYNTH_BLOCK];
      float wni = voice->wi[k * stride + ATL_SYNTH_BLOCK];
      float nr = voice->zr[k] * wnr - voice->zi[k] * wni;
      float ni = voice->zr[k] * wni + voice->zi[k] * wnr;

      voice->zr[k] = nr;
      voice->zi[k] = ni;
      /* A partial that has decayed below −80 dB stops costing anything. */
      if (nr * nr + ni * ni > 1e-8f)
        voice->live[live++] = (uint8_t) k;
    }
  voice->n_partials = live;
}

static void
pluck_block (AtlVoice *voice, int from, float *raw)
{
  float *line = voice->delay;
  int pos = voice->delay_pos, len = voice->delay_len;
  float g = voice->loop_gain, c = voice->ap_coef;
  float x1 = voice->lp_x1, ax1 = voice->ap_x1, ay1 = voice->ap_y1;

  for (int n = from; n < ATL_SYNTH_BLOCK; n++)
    {
      float x = line[pos];
      float lp = 0.5f * (x + x1);           /* one-zero damping: H = ½(1 + z⁻¹) */
      float ap = c * lp + ax1 - c * ay1;    /* all-pass: the period's fractional part */

      x1 = x;
      ax1 = lp;
      ay1 = ap;
      line[pos] = g * ap;
      pos = pos + 1 == len ? 0 : pos + 1;
      raw[n] = x;
    }
  voice->delay_pos = pos;
  voice->lp_x1 = x1;
  voice->ap_x1 = ax1;
  voice->ap_y1 = ay1;
}

static void
flute_block (AtlVoice *voice, const float *table, int from, int sample_rate, float *raw)
{
  double t = (double) voice->age / sample_rate;
  /* Vibrato: 5.2 Hz, ±0.45 % (≈ 8 cents), fading in between 0.15 and 0.45 s. */
  double depth = 0.0045 * fmin (fmax ((t - 0.15) / 0.30, 0.0), 1.0);
  double inc = voice->phase_inc * (1.0 + depth * sin (TWO_PI * voice->vib_phase));
  /* Breath: a steady hiss plus the attack's chiff. */
  float breath = (float) (0.035 + 0.20 * exp (-t / 0.04));
  double phase = voice->phase;
  float lp = voice->breath_lp, lp2 = voice->breath_lp2, hp = voice->breath_hp;

  for (int n = from; n < ATL_SYNTH_BLOCK; n++)
    {
      double p = phase * ATL_SYNTH_TABLE;
      int i = (int) p;
      float fr = (float) (p - i);
      float tone = table[i] + fr * (table[i + 1] - table[i]);
      float u = noise_next (&voice->noise);

      /* Band-pass the noise (≈ 150 Hz … 1.5 kHz at 48 kHz, 12 dB/octave above): two
       * one-pole low-passes, minus a slow one. Breath is air, not hiss. */
      lp += 0.2f * (u - lp);
      lp2 += 0.2f * (lp - lp2);
      hp += 0.02f * (lp2 - hp);
      raw[n] = tone + breath * 4.0f * (lp2 - hp);
      phase += inc;
      if (phase >= 1.0)
        phase -= 1.0;
    }
  voice->phase = phase;
  voice->breath_lp = lp;
  voice->breath_lp2 = lp2;
  voice->breath_hp = hp;
  voice->vib_phase += 5.2 * (ATL_SYNTH_BLOCK - from) / sample_rate;
  voice->vib_phase -= floor (voice->vib_phase);
}

/* AVX2 where the CPU has it: the envelope ramp and the mix run eight frames at a time. */
__attribute__ ((target_clones ("arch=x86-64-v3", "default")))
void
_atl_voice_render (AtlVoice    *voice,
                   const float *table,
                   int64_t      frame0,
                   int          from,
                   int          sample_rate,
                   float       *mix)
{
  float raw[ATL_SYNTH_BLOCK];
  float env[ATL_SYNTH_BLOCK];
  float peak = 0.0f, amp = voice->amp;

  memset (raw, 0, sizeof raw);
  switch (voice->timbre)
    {
    case ATL_TIMBRE_PLUCK:
      pluck_block (voice, from, raw);
      break;
    case ATL_TIMBRE_PIANO:
    case ATL_TIMBRE_BELL:
      modal_block (voice, raw);
      break;
    case ATL_TIMBRE_FLUTE:
    default:
      flute_block (voice, table, from, sample_rate, raw);
      break;
    }
  for (int n = 0; n < from; n++)
    env[n] = 0.0f;
  env_block (&voice->env, frame0, from, env);

  /* Whole blocks again (fixed trip count: vectorized at -O2; amp in a local, or the
   * store to mix might change it and the loop would stay scalar). */
  for (int n = 0; n < ATL_SYNTH_BLOCK; n++)
    mix[n] += amp * raw[n] * env[n];
  /* The cull test needs only a rough level: eight samples spread over the block. */
  for (int n = 3; n < ATL_SYNTH_BLOCK; n += ATL_SYNTH_BLOCK / 8)
    {
      float a = fabsf (raw[n] * env[n]);

      peak = a > peak ? a : peak;   /* not fmaxf: without -ffinite-math-only it is a call */
    }
  voice->age += ATL_SYNTH_BLOCK - from;

  if (voice->env.stage == ATL_ENV_DONE)
    voice->active = false;
  else if (voice->env.stage != ATL_ENV_ATTACK && peak < CULL_LEVEL)
    {
      /* Decayed out of hearing: a short ramp to zero ends it without a click. */
      int64_t quick = frames_of (0.005, sample_rate, 0.005);

      if (voice->env.stage != ATL_ENV_RELEASE || voice->env.left > quick)
        env_release (&voice->env, quick);
    }
}
