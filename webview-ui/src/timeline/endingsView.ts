/**
 * What a repeated model's runs ended with (src/shared/endings.ts), under its orders: each worker's
 * last line — "same in all 20 runs", or its form with the numbers that varied, each as a dot plot
 * of the runs' values (equal values stacked) with their median marked and said in words.
 */
import { formText, gapNames, restTexts, shareText, shownForms, valuesText, type ModelEndings } from '../../../src/shared/endings';
import { laneLabel } from '../../../src/shared/labels';
import { spread } from '../../../src/shared/repetitions';
import { el } from './header';

/** The dot plot's size, and a dot's; equal values stack up to this many dots, then overlap. */
const PLOT = { width: 240, height: 28, pad: 4, dot: 6, stack: 4 };
const SVG = 'http://www.w3.org/2000/svg';

export function renderEndings(endings: ModelEndings): HTMLElement {
  const box = el('div', { class: 'endings', 'data-model': endings.model });
  box.append(el('h3', {}, 'How the runs ended'));
  const runs = endings.repetitions;
  for (const w of endings.workers) {
    const who = laneLabel(endings.model, { worker: w.worker });
    for (const e of shownForms(w)) {
      const line = el('p', { class: 'ending', 'data-worker': String(w.worker) });
      line.append(el('span', { class: 'ending-who' }, who), ' ended with ', el('q', { class: 'ending-form' }, formText(e)), ` ${shareText(e, runs)}`);
      box.append(line);
      gapNames(e).forEach((name, i) => box.append(gapRow(name, e.numbers[i])));
    }
    for (const text of restTexts(w, runs)) box.append(el('p', { class: 'ending ending-rest', 'data-worker': String(w.worker) }, `${who} ${text}`));
  }
  return box;
}

/** A varying number: its name, the runs' values as dots, and the same in words. */
function gapRow(name: string, values: readonly number[]): HTMLElement {
  const words = valuesText(values);
  const row = el('div', { class: 'ending-gap' });
  row.append(el('span', { class: 'gap-name' }, `${name}:`), dotPlot(values, `${name}: ${words}`), el('span', { class: 'gap-values' }, words));
  return row;
}

function dotPlot(values: readonly number[], label: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'dot-plot');
  svg.setAttribute('width', String(PLOT.width));
  svg.setAttribute('height', String(PLOT.height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const s = spread(values)!;
  const x = (v: number) => PLOT.pad + (s.max === s.min ? (PLOT.width - 2 * PLOT.pad) / 2 : ((v - s.min) / (s.max - s.min)) * (PLOT.width - 2 * PLOT.pad));
  const baseline = PLOT.height - PLOT.pad;
  const median = document.createElementNS(SVG, 'line');
  for (const [k, v] of Object.entries({ class: 'median', x1: x(s.median), x2: x(s.median), y1: 1, y2: PLOT.height - 1 })) median.setAttribute(k, String(v));
  svg.append(median);
  // dots a dot's width apart share a column: stacked, so how many runs had nearby values shows
  const stacks = new Map<number, number>();
  for (const v of values) {
    const column = Math.round(x(v) / PLOT.dot);
    const height = stacks.get(column) ?? 0;
    stacks.set(column, height + 1);
    const dot = document.createElementNS(SVG, 'circle');
    const cy = baseline - (Math.min(height, PLOT.stack - 1) * (PLOT.height - 2 * PLOT.pad)) / (PLOT.stack - 1);
    for (const [k, n] of Object.entries({ cx: column * PLOT.dot, cy, r: PLOT.dot / 2 + 0.5 })) dot.setAttribute(k, String(n));
    svg.append(dot);
  }
  return svg;
}
