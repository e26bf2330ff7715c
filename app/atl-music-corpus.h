/* atl-music-corpus.h: a folder of ABC and MIDI files → token sequences for pretraining.
 *
 * Windows. Each tune is cut into runs of bars that share metre and key; a run of 8 bars or
 * more gives 8-bar windows every 4 bars (plus one ending on the run's last bar, so the
 * tail is seen), a run of 2–7 bars gives one window of its whole length, and a window
 * with no note is dropped.
 *
 * Augmentation. Melodies are stored relative to the tonic, so transposing a tune to
 * another key (−5 … +6 semitones) changes its tonic and its notes together and leaves
 * every token as it was: twelve keys would be twelve copies of one sequence, and are not
 * made. What does change the tokens is where the tonic's octave sits under the melody:
 * pitches must lie in −12 … +24 of the tonic, and a melody spanning an octave and a half
 * fits under two or three choices of tonic octave, each of which moves every NOTE(p) by 12
 * and may change the register token. Every such octave placement is encoded, which is
 * "every transposition that stays in range" that the tokens can see.
 *
 * Split. A tenth of the TUNES (FNV-1a of "basename:title" mod 10 = 0) is held out for
 * validation with all its windows, so no window of a validation tune leaks into training.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *tunes;            /* AtlTune, every tune read */
  GPtrArray *skipped;          /* GError, one per tune or file that could not be read */
  int        n_files;          /* .abc/.mid/.midi files looked at */
  int        n_windows;        /* windows cut (before octave placements) */
  int        n_silent;         /* windows dropped for having no note */
  int        n_unplaced;       /* windows no tonic octave fits (range > 36 semitones) */
  int        longest;          /* tokens in the longest sequence */
  int        n_tunes[2];       /* [0] training, [1] validation */
  GArray    *tokens[2];        /* int: the sequences back to back */
  GArray    *offsets[2];       /* guint: start of each sequence, then the end */
  double     density_q[3];     /* notes per bar quartiles of the windows */
  double     register_q[2];    /* mean pitch tertiles of the sequences */
} AtlMusicCorpus;

/* Reads every .abc, .mid and .midi file of `path` (a folder, or one file). A file or tune
 * that cannot be read is recorded in skipped; NULL with error only when the folder cannot
 * be listed or nothing in it could be read. */
AtlMusicCorpus *atl_music_corpus_load        (const char           *path,
                                              GError              **error);
void            atl_music_corpus_free        (AtlMusicCorpus       *corpus);

/* Sequences of the training (validation FALSE) or validation split. */
guint           atl_music_corpus_n_sequences (const AtlMusicCorpus *corpus,
                                              gboolean              validation);
const int      *atl_music_corpus_sequence    (const AtlMusicCorpus *corpus,
                                              gboolean              validation,
                                              guint                 index,
                                              int                  *length);
/* Whether a tune (by file name and title) belongs to the validation tenth. */
gboolean        atl_music_corpus_is_held_out (const char           *file,
                                              const char           *title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlMusicCorpus, atl_music_corpus_free)

G_END_DECLS
