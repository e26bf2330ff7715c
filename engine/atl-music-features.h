/* atl-music-features.h: the feature vector of a melody (the music codec's `features`).
 *
 * The reward model reads these (standardized) beside the policy's embedding, and the tuner
 * watches the music-theory metrics so a learned taste does not cost the music. The first
 * eleven are the RL Tuner metrics (Jaques et al. 2017), adapted to a sixteenth grid; every
 * value is finite, and its range is given below.
 *
 *   0 in_key            [0,1]  fraction of notes whose pitch class is in the mode's scale
 *   1 excess_repeats    [0,1]  fraction of notes in a run of > 4 onsets of the same pitch
 *   2 leaps_resolved    [0,1]  leaps (|interval| ≥ 7) followed by a step back the other way
 *                              (opposite direction, |interval| ≤ 2), over all leaps; 1 if none
 *   3 motif             [0,1]  fraction of notes in a motif: a bar with ≥ 3 onsets of ≥ 3
 *                              distinct pitches
 *   4 repeated_motif    [0,1]  fraction of notes in a motif whose interval pattern (so
 *                              transposed copies count) is played again in another bar
 *   5 autocorr_1        [−1,1] autocorrelation of the onset pitch sequence at lag 1
 *   6 autocorr_2        [−1,1] … at lag 2
 *   7 autocorr_3        [−1,1] … at lag 3
 *   8 unique_max        {0,1}  the highest pitch is played exactly once
 *   9 unique_min        {0,1}  the lowest pitch is played exactly once
 *  10 starts_tonic      {0,1}  the first note is the tonic (any octave)
 *  11 … 22 pc_0 … pc_11 [0,1]  pitch-class histogram relative to the tonic (sums to 1)
 *  23 iv_repeat         [0,1]  interval histogram between consecutive notes: unison,
 *  24 iv_step                  1–2 semitones,
 *  25 iv_third                 3–4,
 *  26 iv_fourth_fifth          5–7,
 *  27 iv_sixth_octave          8–12,
 *  28 iv_wide                  > 12 (fractions of intervals, sum 1 when any)
 *  29 density           [0,24] notes per bar
 *  30 syncopation       [0,1]  fraction of notes that start off the beat and sound across it
 *  31 range             [0,36] highest − lowest pitch, semitones
 *  32 contour_step      [−36,36] mean signed interval, semitones
 *  33 direction_changes [0,1]  fraction of consecutive moving interval pairs that turn
 *  34 mean_pitch        [−12,24] mean pitch relative to the tonic
 *  35 rest_fraction     [0,1]  fraction of sixteenths with no note sounding
 *  36 contour_start     [−36,36] mean pitch of the first third of the notes, the middle
 *  37 contour_middle             third and the last third, each minus the melody's mean
 *  38 contour_end                pitch (semitones): the line's shape — rising, falling,
 *                                arch, bowl — which contour_step (first to last note) and
 *                                direction_changes (local turns) cannot tell apart
 *
 * A melody with no notes gets zeros except rest_fraction = 1 and leaps_resolved = 1.
 */
#pragma once

#include "atl-melody.h"

#define ATL_MUSIC_N_FEATURES 39

/* out (ATL_MUSIC_N_FEATURES) ← the features of a well-formed melody. */
void        atl_music_features     (const AtlMelody *melody,
                                    float           *out);
const char *atl_music_feature_name (int              feature);
