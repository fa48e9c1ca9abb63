/**
 * The workers' colours: a categorical data palette, not theme colours. VS Code's theme offers six
 * `charts.*` colours whose orange, green and yellow merge under red–green colour blindness, so the
 * workers get their own palette of eight, derived from Okabe & Ito's colour-blind-safe set (same
 * hues, lightness re-chosen per background): one for dark backgrounds, one for light ones, each
 * chosen so that every pair stays apart under simulated deuteranopia and protanopia and every
 * colour keeps 3:1 contrast with the background (test/unit/palette.test.ts checks both). High
 * contrast themes add a hatching per worker, so the Order strip never relies on colour alone.
 * No DOM here.
 */

/** Relative luminance above which a background counts as light (sRGB, WCAG's definition). */
const LIGHT_BACKGROUND = 0.4;

/** Worker 1 blue, 2 orange, 3 bluish green, 4 reddish purple, 5 yellow, 6 sky blue, 7 vermilion, 8 grey. */
export const WORKER_PALETTES = {
  dark: ['#6494dc', '#e68a00', '#108853', '#a55d92', '#efeb48', '#70d2ff', '#c53f01', '#f1f1f1'],
  light: ['#156daf', '#9f5c00', '#009161', '#601a4e', '#8b9e00', '#289dce', '#892000', '#656565'],
} as const;

export type PaletteName = keyof typeof WORKER_PALETTES;

/** The backgrounds the palettes were made for (VS Code's Dark Modern and Light Modern editors). */
export const REFERENCE_BACKGROUNDS: Record<PaletteName, string> = { dark: '#1f1f1f', light: '#ffffff' };

/** Hatchings, one per worker in high contrast (and per round of eight colours beyond eight workers). */
export const PATTERNS = ['solid', 'diagonal', 'horizontal', 'dots', 'vertical', 'antidiagonal', 'cross', 'checks'] as const;
export type Pattern = (typeof PATTERNS)[number];

export type Rgb = readonly [number, number, number];

/** '#rrggbb' → [r, g, b] in 0–255. */
export function parseHex(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG relative luminance of an sRGB colour (0 black – 1 white). */
export function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1–21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Which palette suits a background: decided by its luminance, so custom themes get the right one. */
export function paletteFor(background: Rgb): PaletteName {
  return relativeLuminance(background) > LIGHT_BACKGROUND ? 'light' : 'dark';
}

/** Black or white, whichever reads better on `fill` (worker numbers in the Order strip). */
export function inkOn(fill: Rgb): '#000000' | '#ffffff' {
  return contrastRatio(fill, [0, 0, 0]) >= contrastRatio(fill, [255, 255, 255]) ? '#000000' : '#ffffff';
}

/**
 * How a worker is drawn: its colour (index into the palette) and hatching. Eight colours come
 * before any repeats; from the ninth worker on the colour repeats with a different hatching, and
 * in high contrast every worker has its own hatching as well as its colour.
 */
export function workerLook(worker: number, highContrast: boolean): { colour: number; pattern: Pattern } {
  const size = WORKER_PALETTES.dark.length;
  const colour = worker % size;
  const round = Math.floor(worker / size);
  const pattern = highContrast ? (colour + round) % PATTERNS.length : round % PATTERNS.length;
  return { colour, pattern: PATTERNS[pattern] };
}
