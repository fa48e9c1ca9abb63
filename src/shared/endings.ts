/**
 * What a repeated model's runs ended with (`endings` of the trace): each worker's last line across
 * the repetitions. Lines that differ only in their numbers are one form with the numbers'
 * distribution — "N of my 100000 additions overwrote another thread's", N from 812 to 2,431 —
 * so a race's varying result shows beside the lines that came out the same every time.
 * Pure: shared by the runner, the CLI's summary and the panel; nothing in it knows any program's wording.
 */
import { laneLabel } from './labels';
import { spread } from './repetitions';
import type { LineEnding, Model, ModelEndings, WorkerEndings } from './trace';

export type { LineEnding, ModelEndings, WorkerEndings };

/** Forms shown per worker before "and N other lines" (a program printing a timestamp last has one per run). */
const FORMS_SHOWN = 3;
/** Up to this many distinct values, each is listed with its count of runs. */
const VALUES_LISTED = 5;

/**
 * A number as people write it in a line: digits, maybe a sign and a fraction — not the digits of a
 * name ("Thread1", "x2"), which stay text.
 */
const NUMBER = /(?<![\p{L}\d_.])-?\d+(?:\.\d+)?/gu;

/** The last lines of one worker, `lines[k]` repetition k's (null: it printed nothing), grouped by form. */
export function workerEndings(worker: number, lines: ReadonlyArray<string | null>): WorkerEndings {
  const forms = new Map<string, { texts: string[][]; numbers: string[][]; repetitions: number[] }>();
  const silent: number[] = [];
  lines.forEach((line, k) => {
    if (line === null) return void silent.push(k);
    const texts = line.split(NUMBER);
    const numbers = line.match(NUMBER) ?? [];
    const key = texts.join('\u0000');
    const form = forms.get(key) ?? { texts: [texts], numbers: numbers.map(() => []), repetitions: [] };
    numbers.forEach((n, i) => form.numbers[i].push(n));
    form.repetitions.push(k);
    forms.set(key, form);
  });
  // a Map keeps the order of first sight: the stable sort leaves ties in it
  const endings = [...forms.values()].map((f) => lineEnding(f.texts[0], f.numbers, f.repetitions)).sort((a, b) => b.repetitions.length - a.repetitions.length);
  return { worker, endings, silent };
}

/** A form's parts: a number printed the same in every run goes back into the text; one that varied becomes a gap. */
function lineEnding(texts: readonly string[], numbers: readonly string[][], repetitions: number[]): LineEnding {
  const parts = [texts[0]];
  const varied: number[][] = [];
  numbers.forEach((values, i) => {
    if (values.every((v) => v === values[0])) parts[parts.length - 1] += values[0] + texts[i + 1];
    else {
      varied.push(values.map(Number));
      parts.push(texts[i + 1]);
    }
  });
  return { parts, repetitions, numbers: varied };
}

/** A run's events as the endings read them: how many, and event k's worker and text (in global order). */
export interface RunLines {
  length: number;
  worker(k: number): number;
  text(k: number): string;
}

/** Each worker's last line in a run (null: it printed nothing), found from the end. */
export function lastLines(events: RunLines, workers: number): Array<string | null> {
  const lines = new Array<string | null>(workers).fill(null);
  let left = workers;
  for (let k = events.length - 1; k >= 0 && left > 0; k--) {
    const w = events.worker(k);
    if (w < workers && lines[w] === null) {
      lines[w] = events.text(k);
      left--;
    }
  }
  return lines;
}

/** Each worker's last line in each run: `lastLines[k][w]`, repetition k's worker w (null: nothing printed). */
export function modelEndings(model: Model, workers: number, lastLines: ReadonlyArray<ReadonlyArray<string | null>>): ModelEndings {
  const per = Array.from({ length: workers }, (_, w) => workerEndings(w, lastLines.map((run) => run[w] ?? null)));
  return { model, repetitions: lastLines.length, workers: per };
}

/** The gaps' names in a form's text: N alone, else N1, N2, … */
export function gapNames(ending: LineEnding): string[] {
  return ending.numbers.length === 1 ? ['N'] : ending.numbers.map((_, i) => `N${i + 1}`);
}

/** The form as people read it: `N of my 100000 additions overwrote another thread's`. */
export function formText(ending: LineEnding): string {
  const names = gapNames(ending);
  return ending.parts.map((p, i) => (i ? names[i - 1] : '') + p).join('');
}

/**
 * A gap's numbers in words: each value with its count of runs when there are few ("0 in 12 runs,
 * 1 in 5, 3 in 3"), else the median and range ("median 1,204 (812 – 2,431)").
 */
export function valuesText(values: readonly number[]): string {
  const counts = valueCounts(values);
  if (counts.length <= VALUES_LISTED) return counts.map(([v, n], i) => `${formatValue(v)} in ${n}${i ? '' : n === 1 ? ' run' : ' runs'}`).join(', ');
  const s = spread(values)!;
  return `median ${formatValue(s.median)} (${formatValue(s.min)} – ${formatValue(s.max)}), ${counts.length} different values`;
}

/** Distinct values with their counts, most frequent first (ties: smaller first). */
export function valueCounts(values: readonly number[]): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
}

/** How many of the runs ended with this form: "same in all 20 runs", "in all 20 runs" (its numbers varied), "in 3 of 20 runs". */
export function shareText(e: LineEnding, runs: number): string {
  const n = e.repetitions.length;
  if (n < runs) return `in ${n} of ${runs} runs`;
  return e.numbers.length ? `in all ${runs} runs` : `same in all ${runs} runs`;
}

/** Forms beyond those shown, and silent runs, in words ("ended with other lines in 2 of 6 runs"). */
export function restTexts(w: WorkerEndings, runs: number): string[] {
  const other = w.endings.slice(FORMS_SHOWN).reduce((sum, e) => sum + e.repetitions.length, 0);
  return [...(other ? [`ended with other lines in ${other} of ${runs} runs`] : []), ...(w.silent.length ? [`printed nothing in ${w.silent.length} of ${runs} runs`] : [])];
}

/** The forms shown for a worker, most frequent first (restTexts counts the others). */
export function shownForms(w: WorkerEndings): LineEnding[] {
  return w.endings.slice(0, FORMS_SHOWN);
}

/**
 * A worker's endings in lines for people: each form with how many runs ended with it ("same in
 * all 20 runs") and, where numbers varied, their distribution.
 */
export function workerEndingLines(model: Model, w: WorkerEndings, runs: number): string[] {
  const lines: string[] = [];
  const who = laneLabel(model, { worker: w.worker });
  for (const e of shownForms(w)) {
    const share = shareText(e, runs);
    const gaps = gapNames(e).map((name, i) => `; ${name}: ${valuesText(e.numbers[i])}`).join('');
    lines.push(`${who} ended with "${formText(e)}" ${share}${gaps}`);
  }
  return [...lines, ...restTexts(w, runs).map((text) => `${who} ${text}`)];
}

/** A model's endings in lines for people, worker by worker. */
export function endingLines(endings: ModelEndings): string[] {
  return endings.workers.flatMap((w) => workerEndingLines(endings.model, w, endings.repetitions));
}
