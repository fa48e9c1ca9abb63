import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrastRatio, inkOn, paletteFor, parseHex, PATTERNS, REFERENCE_BACKGROUNDS, WORKER_PALETTES, workerLook, type PaletteName } from '../../webview-ui/src/timeline/palette';
import { closestPair, deltaE2000, labAs, type Vision } from './colourVision';

/** Smallest CIEDE2000 difference allowed between two workers' colours, per kind of vision. */
const MIN_DELTA_E: Record<Vision, number> = { normal: 12, deuteranopia: 12, protanopia: 12, tritanopia: 10 };
/** WCAG 2.1 §1.4.11: graphical objects need 3:1 against what is next to them. */
const MIN_CONTRAST = 3;
const names = Object.keys(WORKER_PALETTES) as PaletteName[];

test('CIEDE2000 matches Sharma, Wu & Dalal’s published test pairs', () => {
  const pairs: Array<[number[], number[], number]> = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 3.1571, -77.2803], [50, 0, -82.7485], 2.8615],
    [[50, 2.5, 0], [50, 0, -2.5], 4.3065],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    [[22.7233, 20.0904, -46.694], [23.0331, 14.973, -42.5619], 2.0373],
    [[2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082],
  ];
  for (const [a, b, expected] of pairs) assert.ok(Math.abs(deltaE2000(a, b) - expected) < 1e-4, `${a} / ${b}: ${deltaE2000(a, b)} ≠ ${expected}`);
});

test('the simulated visions keep greys grey (the matrices are the normalised ones)', () => {
  for (const vision of ['deuteranopia', 'protanopia', 'tritanopia'] as const) {
    const [, a, b] = labAs([128, 128, 128], vision);
    assert.ok(Math.hypot(a, b) < 0.5, vision);
  }
});

for (const name of names) {
  const palette = WORKER_PALETTES[name].map(parseHex);

  test(`the ${name} palette: 8 workers' colours stay apart under simulated colour blindness`, () => {
    assert.ok(palette.length >= 8, 'at least 8 colours before one repeats');
    for (const vision of Object.keys(MIN_DELTA_E) as Vision[]) {
      const { distance, pair } = closestPair(palette, vision);
      assert.ok(distance >= MIN_DELTA_E[vision], `${vision}: workers ${pair[0] + 1} and ${pair[1] + 1} are ΔE ${distance.toFixed(1)} apart (< ${MIN_DELTA_E[vision]})`);
    }
  });

  test(`the ${name} palette: every colour stands out from the ${name} background (≥ 3:1)`, () => {
    const background = parseHex(REFERENCE_BACKGROUNDS[name]);
    for (const [i, c] of palette.entries()) assert.ok(contrastRatio(c, background) >= MIN_CONTRAST, `worker ${i + 1}: ${contrastRatio(c, background).toFixed(2)}:1`);
  });
}

test('the two default workers are the most distinct pair for every vision (blue and orange)', () => {
  for (const name of names) {
    const two = WORKER_PALETTES[name].slice(0, 2).map(parseHex);
    for (const vision of Object.keys(MIN_DELTA_E) as Vision[]) assert.ok(closestPair(two, vision).distance >= 40, `${name}, ${vision}`);
  }
});

test('a background picks its palette by lightness: dark, light and both high contrast themes', () => {
  assert.equal(paletteFor(parseHex('#1f1f1f')), 'dark'); // Dark Modern
  assert.equal(paletteFor(parseHex('#000000')), 'dark'); // Dark High Contrast
  assert.equal(paletteFor(parseHex('#ffffff')), 'light'); // Light Modern, Light High Contrast
  assert.equal(paletteFor(parseHex('#f3f3f3')), 'light');
  assert.equal(paletteFor(parseHex('#002b36')), 'dark'); // Solarized Dark
  assert.equal(paletteFor(parseHex('#fdf6e3')), 'light'); // Solarized Light
});

test('workers 1–8 have 8 different colours; up to 64 workers no two look alike, in normal and high contrast', () => {
  for (const highContrast of [false, true]) {
    const looks = Array.from({ length: 64 }, (_, w) => workerLook(w, highContrast));
    assert.equal(new Set(looks.slice(0, 8).map((l) => l.colour)).size, 8);
    assert.equal(new Set(looks.map((l) => `${l.colour}/${l.pattern}`)).size, 64);
  }
  assert.deepEqual(Array.from({ length: 8 }, (_, w) => workerLook(w, false).pattern), Array(8).fill('solid'), 'no hatching for the first 8 in normal themes');
  assert.equal(new Set(Array.from({ length: 8 }, (_, w) => workerLook(w, true).pattern)).size, PATTERNS.length, 'in high contrast each of the first 8 has its own hatching');
});

test('worker numbers are written in the ink that reads best on their colour', () => {
  for (const name of names) {
    for (const hex of WORKER_PALETTES[name]) {
      const fill = parseHex(hex);
      assert.ok(contrastRatio(fill, parseHex(inkOn(fill))) >= 4.5, `${hex} with ${inkOn(fill)}`);
    }
  }
});
