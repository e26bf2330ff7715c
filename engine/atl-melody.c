/* atl-melody.c: the small tables every user of a melody needs. */
#include "atl-melody.h"

int
atl_metre_steps_per_bar (AtlMetre metre)
{
  static const int steps[ATL_N_METRES] = { 8, 12, 16, 12, 18, 24 };

  return metre >= 0 && metre < ATL_N_METRES ? steps[metre] : 16;
}

const char *
atl_metre_name (AtlMetre metre)
{
  static const char *names[ATL_N_METRES] = { "2/4", "3/4", "4/4", "6/8", "9/8", "12/8" };

  return metre >= 0 && metre < ATL_N_METRES ? names[metre] : "?";
}

const char *
atl_mode_name (AtlMode mode)
{
  static const char *names[ATL_N_MODES] = { "major", "minor", "dorian", "mixolydian" };

  return mode >= 0 && mode < ATL_N_MODES ? names[mode] : "?";
}

const int *
atl_mode_scale (AtlMode mode)
{
  static const int scales[ATL_N_MODES][7] = {
    { 0, 2, 4, 5, 7, 9, 11 },   /* major (ionian) */
    { 0, 2, 3, 5, 7, 8, 10 },   /* natural minor (aeolian) */
    { 0, 2, 3, 5, 7, 9, 10 },   /* dorian */
    { 0, 2, 4, 5, 7, 9, 10 },   /* mixolydian */
  };

  return scales[mode >= 0 && mode < ATL_N_MODES ? mode : 0];
}
