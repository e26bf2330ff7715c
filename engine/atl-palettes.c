/* atl-palettes.c: the palette table (mirrored in assets/palettes.json) and lookups. */
#include "atl-palettes.h"

const AtlPalette ATL_PALETTES[ATL_N_PALETTES] = {
  { "bauhaus", "Bauhaus", 5, { 0xF2E8D5, 0xD92B2B, 0x1F4E9C, 0xF2B705, 0x1A1A1A } },
  { "memphis", "Memphis", 6, { 0xF7F3E3, 0xFF6F91, 0xFFD23F, 0x3BCEAC, 0x5C4BDE, 0x1B1B1E } },
  { "risograph", "Risograph", 5, { 0xF5F0E6, 0xFF48B0, 0x0078BF, 0xFFE800, 0x00A95C } },
  { "ukiyo-e", "Ukiyo-e", 6, { 0xEFE3C8, 0x1F3A5F, 0x4F7CAC, 0xC8553D, 0xE2B45C, 0x1B1B1B } },
  { "nordic-winter", "Nordic winter", 5, { 0xEEF2F5, 0xA9C2D4, 0x5B7C99, 0x2B3A4A, 0xC97C5D } },
  { "desert-dusk", "Desert dusk", 5, { 0xF4D6B0, 0xE39B6B, 0xC0605C, 0x7A4A6E, 0x2F2A4A } },
  { "matisse", "Matisse cut-outs", 6, { 0xF6F1E4, 0x1D4E9E, 0xE4572E, 0xF2C12E, 0x2A9D5C, 0xE98BB0 } },
  { "klimt-gold", "Klimt gold", 6, { 0xEEDC9A, 0xD4A93C, 0x8C6A1E, 0xB5452E, 0x3F6E5A, 0x2B2118 } },
  { "op-art-mono", "Op-art mono", 5, { 0xF5F5F0, 0xC8C8C8, 0x7A7A7A, 0x3A3A3A, 0x111111 } },
  { "pastel-dream", "Pastel dream", 6, { 0xFBE7E9, 0xCDE7F0, 0xD8EFD3, 0xFFF1C9, 0xD9CCF2, 0x6E6A86 } },
  { "mid-century", "Mid-century modern", 6, { 0xF3E9D2, 0xE07A1F, 0x2F6F73, 0xD9B84A, 0x7A3B2E, 0x1E2A2F } },
  { "mondrian", "De Stijl", 5, { 0xF0F0EB, 0xDD0100, 0x225095, 0xFAC901, 0x1A1A1A } },
  { "rothko", "Rothko chapel", 6, { 0xF2A341, 0xD9541E, 0x8C1C13, 0xC97B5B, 0x3B0F12, 0x2A1B1B } },
  { "ocean-deep", "Ocean deep", 6, { 0xF2E9D8, 0x7CC6C7, 0x1F7A8C, 0x12406A, 0x0B1D33, 0xE76F51 } },
  { "forest-floor", "Forest floor", 6, { 0xD9CBA0, 0x9BAE7A, 0x4B6043, 0xC7873F, 0x8A5A3B, 0x1E2D24 } },
  { "neon-night", "Neon night", 6, { 0x0D0221, 0x2A1659, 0xFF3864, 0x2DE2E6, 0xF9C80E, 0xF6019D } },
  { "terracotta", "Terracotta", 6, { 0xF1E2CE, 0xE8B17D, 0xD2693C, 0xA0442B, 0x7A8B6F, 0x5E3023 } },
  { "sakura", "Sakura", 6, { 0xFFF5F3, 0xF7C6D0, 0xE58FA6, 0xA14C6B, 0xB8D8C7, 0x4E3B44 } },
  { "kandinsky", "Kandinsky", 6, { 0xF3EDE0, 0xD7263D, 0xF4B400, 0x2E86AB, 0x3F8F4F, 0x1C1C3A } },
  { "swiss-poster", "Swiss poster", 5, { 0xF2EEE3, 0xE63222, 0xF2C230, 0x9A9A94, 0x1D1D1B } },
  { "tropical", "Tropical", 6, { 0xFDF2E9, 0xFCD34D, 0xF97316, 0xDB2777, 0x10B981, 0x064E3B } },
  { "lavender", "Lavender fields", 6, { 0xEDE7F6, 0xB39DDB, 0x7E57C2, 0x4527A0, 0xF6D365, 0x263238 } },
  { "autumn", "Autumn", 6, { 0xF5E6CC, 0xE3B448, 0xD9822B, 0xA63D1E, 0x3C4A3E, 0x6B2D1A } },
  { "shibori", "Shibori indigo", 5, { 0xF3F1EA, 0xC9D3E3, 0x6D83A8, 0x2C3E70, 0x131B33 } },
  { "coral-reef", "Coral reef", 6, { 0xFFF3E4, 0xFEEA7F, 0xFFB38A, 0xFF7F6B, 0x3AAFA9, 0x17252A } },
  { "citrus", "Citrus", 6, { 0xFFFBEA, 0xFFC93C, 0xFF9A3C, 0xFF6F3C, 0x9DC08B, 0x155263 } },
  { "moss-stone", "Moss and stone", 5, { 0xE8E4DA, 0xB7B2A5, 0x6F6A5F, 0x556B2F, 0x2F3229 } },
  { "art-deco", "Art deco", 5, { 0xEDE3C7, 0xC9A24D, 0x1F4E5F, 0x7A2E3A, 0x10151C } },
  { "sunset", "Sunset", 6, { 0xFFE8B5, 0xFDB36C, 0xF0705A, 0xC0426B, 0x6B2D5C, 0x2D1E3E } },
  { "cyanotype", "Cyanotype", 5, { 0xF5F3EE, 0xC6DAEE, 0x6C9ACB, 0x1F5C94, 0x0E3B66 } },
};

AtlRgb
atl_palette_colour (int palette, int slot, int light, double dl_per_step)
{
  const AtlPalette *p = &ATL_PALETTES[palette];
  AtlRgb base = atl_rgb_from_hex (p->colours[slot % p->n_colours]);

  return atl_rgb_shift_lightness (base, (light - 2) * dl_per_step);
}

double
atl_palette_lightness (int palette, int slot)
{
  const AtlPalette *p = &ATL_PALETTES[palette];

  return atl_lab_from_rgb (atl_rgb_from_hex (p->colours[slot % p->n_colours])).l;
}

int
atl_palette_lightest (int palette)
{
  int best = 0;

  for (int s = 1; s < ATL_PALETTES[palette].n_colours; s++)
    if (atl_palette_lightness (palette, s) > atl_palette_lightness (palette, best))
      best = s;
  return best;
}

int
atl_palette_darkest (int palette)
{
  int best = 0;

  for (int s = 1; s < ATL_PALETTES[palette].n_colours; s++)
    if (atl_palette_lightness (palette, s) < atl_palette_lightness (palette, best))
      best = s;
  return best;
}
