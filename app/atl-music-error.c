/* atl-music-error.c: the music readers' error quark. */
#include "atl-music-error.h"

G_DEFINE_QUARK (atl-music-error-quark, atl_music_error)
