/* atl-music-features.c: the melody features listed (with their ranges) in the header.
 *
 * Everything works on the note list (onsets, in order): n notes, n−1 intervals. Beats are
 * quarters in simple metres and dotted quarters in compound ones (6/8, 9/8, 12/8).
 */
#include "atl-music-features.h"

#include <math.h>
#include <string.h>

enum
{
  F_IN_KEY, F_EXCESS_REPEATS, F_LEAPS_RESOLVED, F_MOTIF, F_REPEATED_MOTIF,
  F_AUTOCORR_1, F_AUTOCORR_2, F_AUTOCORR_3, F_UNIQUE_MAX, F_UNIQUE_MIN, F_STARTS_TONIC,
  F_PC_0, F_IV_0 = F_PC_0 + 12, F_DENSITY = F_IV_0 + 6, F_SYNCOPATION, F_RANGE,
  F_CONTOUR_STEP, F_DIRECTION_CHANGES, F_MEAN_PITCH, F_REST_FRACTION,
  F_CONTOUR_THIRD_0, F_END = F_CONTOUR_THIRD_0 + 3
};

_Static_assert (F_END == ATL_MUSIC_N_FEATURES, "feature table and count disagree");

static const char *const names[ATL_MUSIC_N_FEATURES] = {
  "in_key", "excess_repeats", "leaps_resolved", "motif", "repeated_motif",
  "autocorr_1", "autocorr_2", "autocorr_3", "unique_max", "unique_min", "starts_tonic",
  "pc_0", "pc_1", "pc_2", "pc_3", "pc_4", "pc_5", "pc_6", "pc_7", "pc_8", "pc_9", "pc_10",
  "pc_11",
  "iv_repeat", "iv_step", "iv_third", "iv_fourth_fifth", "iv_sixth_octave", "iv_wide",
  "density", "syncopation", "range", "contour_step", "direction_changes", "mean_pitch",
  "rest_fraction", "contour_start", "contour_middle", "contour_end",
};

const char *
atl_music_feature_name (int feature)
{
  return feature >= 0 && feature < ATL_MUSIC_N_FEATURES ? names[feature] : "?";
}

static int
pitch_class (int pitch)
{
  return ((pitch % 12) + 12) % 12;
}

static float
autocorr (const AtlMelody *m,
          double           mean,
          int              lag)
{
  double num = 0.0, den = 0.0;
  int n = m->n_notes;

  for (int i = 0; i < n; i++)
    den += (m->notes[i].pitch - mean) * (m->notes[i].pitch - mean);
  if (n <= lag || den <= 0.0)
    return 0.0f;
  for (int i = 0; i + lag < n; i++)
    num += (m->notes[i].pitch - mean) * (m->notes[i + lag].pitch - mean);
  return (float) (num / den);
}

/* The motif features: a bar is a motif when it has ≥ 3 onsets of ≥ 3 distinct pitches; it
 * is repeated when another bar has the same interval sequence. */
static void
motifs (const AtlMelody *m,
        float           *in_motif,
        float           *in_repeated)
{
  int spb = atl_metre_steps_per_bar (m->metre);
  int first[64], count[64];
  int n_motif = 0, n_repeated = 0, bars = m->n_bars < 64 ? m->n_bars : 64;

  /* first[b] … first[b] + count[b] − 1 are the notes starting in bar b. */
  memset (count, 0, sizeof count);
  for (int b = 0, i = 0; b < bars; b++)
    {
      first[b] = i;
      while (i < m->n_notes && m->notes[i].start < (b + 1) * spb)
        {
          count[b]++;
          i++;
        }
    }
  for (int b = 0; b < bars; b++)
    {
      int distinct = 0;

      for (int i = 0; i < count[b]; i++)
        {
          int seen = 0;

          for (int j = 0; j < i; j++)
            seen |= m->notes[first[b] + j].pitch == m->notes[first[b] + i].pitch;
          distinct += !seen;
        }
      if (count[b] < 3 || distinct < 3)
        continue;
      n_motif += count[b];
      for (int c = 0; c < bars; c++)
        {
          int same = c != b && count[c] == count[b];

          for (int i = 1; same && i < count[b]; i++)
            same = m->notes[first[b] + i].pitch - m->notes[first[b] + i - 1].pitch
                   == m->notes[first[c] + i].pitch - m->notes[first[c] + i - 1].pitch;
          if (same)
            {
              n_repeated += count[b];
              break;
            }
        }
    }
  *in_motif = m->n_notes > 0 ? (float) n_motif / (float) m->n_notes : 0.0f;
  *in_repeated = m->n_notes > 0 ? (float) n_repeated / (float) m->n_notes : 0.0f;
}

/* Each third's mean onset pitch minus the melody's mean; note i is in third ⌊3i/n⌋, so
 * with fewer than three notes a third is empty and stays 0. */
static void
contour_thirds (const AtlMelody *m,
                double           mean,
                float           *out)
{
  double sum[3] = { 0 }, count[3] = { 0 };

  for (int i = 0; i < m->n_notes; i++)
    {
      int third = i * 3 / m->n_notes;

      sum[third] += m->notes[i].pitch;
      count[third] += 1.0;
    }
  for (int t = 0; t < 3; t++)
    out[t] = count[t] > 0.0 ? (float) (sum[t] / count[t] - mean) : 0.0f;
}

void
atl_music_features (const AtlMelody *m,
                    float           *out)
{
  const int *scale = atl_mode_scale (m->mode);
  int spb = atl_metre_steps_per_bar (m->metre);
  int beat = (m->metre >= ATL_METRE_6_8) ? 6 : 4;
  int n = m->n_notes, lo = 0, hi = 0, n_lo = 0, n_hi = 0, run = 1, n_excess = 0;
  int leaps = 0, resolved = 0, turns = 0, moving_pairs = 0, sounding = 0, syncopated = 0;
  double mean = 0.0, step_sum = 0.0;

  memset (out, 0, sizeof (float) * ATL_MUSIC_N_FEATURES);
  out[F_LEAPS_RESOLVED] = 1.0f;
  out[F_REST_FRACTION] = 1.0f;
  if (n <= 0 || m->n_bars <= 0)
    return;

  for (int i = 0; i < n; i++)
    {
      const AtlNote *note = &m->notes[i];
      int pc = pitch_class (note->pitch), end = note->start + note->length;

      for (int d = 0; d < 7; d++)
        if (scale[d] == pc)
          out[F_IN_KEY] += 1.0f;
      out[F_PC_0 + pc] += 1.0f;
      mean += note->pitch;
      sounding += note->length;
      /* Off the beat, and still sounding on the next beat. */
      if (note->start % beat != 0 && end > (note->start / beat + 1) * beat)
        syncopated++;
      if (i == 0 || note->pitch > hi)
        hi = note->pitch;
      if (i == 0 || note->pitch < lo)
        lo = note->pitch;
    }
  for (int i = 0; i < n; i++)
    {
      n_hi += m->notes[i].pitch == hi;
      n_lo += m->notes[i].pitch == lo;
    }
  mean /= n;

  /* Runs of the same pitch: every note of a run longer than 4 counts as excessive. */
  for (int i = 1; i <= n; i++)
    {
      if (i < n && m->notes[i].pitch == m->notes[i - 1].pitch)
        run++;
      else
        {
          if (run > 4)
            n_excess += run;
          run = 1;
        }
    }

  for (int i = 1; i < n; i++)
    {
      int iv = m->notes[i].pitch - m->notes[i - 1].pitch, a = iv < 0 ? -iv : iv;
      int bucket = a == 0 ? 0 : a <= 2 ? 1 : a <= 4 ? 2 : a <= 7 ? 3 : a <= 12 ? 4 : 5;

      out[F_IV_0 + bucket] += 1.0f;
      step_sum += iv;
      if (a >= 7)
        {
          leaps++;
          if (i + 1 < n)
            {
              int next = m->notes[i + 1].pitch - m->notes[i].pitch;

              if (next * iv < 0 && next >= -2 && next <= 2)
                resolved++;
            }
        }
      if (i + 1 < n)
        {
          int next = m->notes[i + 1].pitch - m->notes[i].pitch;

          if (iv != 0 && next != 0)
            {
              moving_pairs++;
              turns += (iv > 0) != (next > 0);
            }
        }
    }

  out[F_IN_KEY] /= (float) n;
  out[F_EXCESS_REPEATS] = (float) n_excess / (float) n;
  out[F_LEAPS_RESOLVED] = leaps > 0 ? (float) resolved / (float) leaps : 1.0f;
  motifs (m, &out[F_MOTIF], &out[F_REPEATED_MOTIF]);
  out[F_AUTOCORR_1] = autocorr (m, mean, 1);
  out[F_AUTOCORR_2] = autocorr (m, mean, 2);
  out[F_AUTOCORR_3] = autocorr (m, mean, 3);
  out[F_UNIQUE_MAX] = n_hi == 1 ? 1.0f : 0.0f;
  out[F_UNIQUE_MIN] = n_lo == 1 ? 1.0f : 0.0f;
  out[F_STARTS_TONIC] = pitch_class (m->notes[0].pitch) == 0 ? 1.0f : 0.0f;
  for (int pc = 0; pc < 12; pc++)
    out[F_PC_0 + pc] /= (float) n;
  for (int b = 0; b < 6 && n > 1; b++)
    out[F_IV_0 + b] /= (float) (n - 1);
  out[F_DENSITY] = (float) n / (float) m->n_bars;
  out[F_SYNCOPATION] = (float) syncopated / (float) n;
  out[F_RANGE] = (float) (hi - lo);
  out[F_CONTOUR_STEP] = n > 1 ? (float) (step_sum / (n - 1)) : 0.0f;
  out[F_DIRECTION_CHANGES] = moving_pairs > 0 ? (float) turns / (float) moving_pairs : 0.0f;
  out[F_MEAN_PITCH] = (float) mean;
  contour_thirds (m, mean, &out[F_CONTOUR_THIRD_0]);
  out[F_REST_FRACTION] = 1.0f - (float) sounding / (float) (m->n_bars * spb);
  if (out[F_REST_FRACTION] < 0.0f)
    out[F_REST_FRACTION] = 0.0f;
}
