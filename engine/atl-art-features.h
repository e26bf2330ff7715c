/* atl-art-features.h: what the reward model sees of an artwork besides the policy's
 * embedding — measurements of a 64 × 64 render and of the element list.
 *
 * | index  | name              | range   | definition                                          |
 * |--------|-------------------|---------|-----------------------------------------------------|
 * | 0 … 2  | lab_{l,a,b}_mean  | 0…1, ±1 | mean CIELAB L*, a*, b* of the pixels, ÷ 100         |
 * | 3 … 5  | lab_{l,a,b}_spread| 0 … 1   | their standard deviations, ÷ 100                    |
 * | 6      | colourfulness     | 0 … ~2  | Hasler–Süsstrunk M on 0…255 RGB, ÷ 100              |
 * | 7 … 14 | hue_0 … hue_7     | 0 … 1   | fraction of pixels with C*ab > 10 whose hue angle   |
 * |        |                   |         | falls in 45° bin k (bin 0 starts at 0°: red-magenta)|
 * | 15     | coverage          | 0 … 1   | fraction of pixels more than ΔE 5 from the ground   |
 * | 16     | edge_density      | 0 … 1   | fraction of pixels whose Sobel gradient of L* ÷ 100 |
 * |        |                   |         | exceeds 0.3 (a step of ~8 L* across the kernel)     |
 * | 17, 18 | symmetry_lr, _tb  | 0 … 1   | 1 − mean ΔE between mirrored pixels / 50, clamped   |
 * | 19, 20 | centre_x, _y      | 0 … 1   | centre of mass of "ink" (ΔE from the ground)        |
 * | 21…29  | kind_circle … dots| 0 … 1   | fraction of elements of each kind                   |
 * | 30     | size_spread       | 0 … 0.5 | standard deviation of the size tokens ÷ 31          |
 * | 31     | compressibility   | 0 … 1   | 1 − runs / pixels, counting runs of equal colour    |
 * |        |                   |         | along rows after quantizing to 4 bits per channel:  |
 * |        |                   |         | a run-length coder's saving, a cheap stand-in for   |
 * |        |                   |         | how little information the picture holds            |
 * | 32     | element_count     | 0 … 1   | elements ÷ 48                                       |
 * | 33     | mean_alpha        | 0 … 1   | mean element opacity                                |
 */
#pragma once

#include <cairo.h>

#include "atl-artwork.h"

#define ATL_ART_N_FEATURES     34
#define ATL_ART_FEATURE_SIDE   64

/* out (ATL_ART_N_FEATURES) ← the features of art (rendered at 64 × 64 internally, no
 * allocation). */
AtlStatus   atl_art_features      (const AtlArtwork *art,
                                   float            *out,
                                   AtlMsg           *msg);
/* The same from an existing 64 × 64 RGB24/ARGB32 render of art. */
AtlStatus   atl_art_features_from (const AtlArtwork *art,
                                   cairo_surface_t  *image,
                                   float            *out,
                                   AtlMsg           *msg);
const char *atl_art_feature_name  (int feature);
