/* atl-piano-roll.h: a melody drawn as a piano roll, with an optional playhead.
 *
 * Notes are laid out once when the melody is set (time on x, pitch on y, bars marked);
 * snapshot only draws those prepared rectangles. `playhead` is the played fraction
 * 0 … 1 of the melody, or −1 when it is not playing.
 */
#pragma once

#include <gtk/gtk.h>

#include "atl-melody.h"

G_BEGIN_DECLS

#define ATL_TYPE_PIANO_ROLL (atl_piano_roll_get_type ())
G_DECLARE_FINAL_TYPE (AtlPianoRoll, atl_piano_roll, ATL, PIANO_ROLL, GtkWidget)

GtkWidget *atl_piano_roll_new          (void);
/* Copies melody (NULL clears). */
void       atl_piano_roll_set_melody   (AtlPianoRoll    *self,
                                        const AtlMelody *melody);
double     atl_piano_roll_get_playhead (AtlPianoRoll    *self);
void       atl_piano_roll_set_playhead (AtlPianoRoll    *self,
                                        double           fraction);
/* The note under a point in widget coordinates, −1 when none (for the editor). */
int        atl_piano_roll_note_at      (AtlPianoRoll    *self,
                                        double           x,
                                        double           y);
/* The note drawn as selected (the editor's), −1 for none. */
void       atl_piano_roll_set_selected (AtlPianoRoll    *self,
                                        int              note);

G_END_DECLS
