/**
 * Above the runs: what was not run (the script part), the answer to "threads or processes?" (the
 * runs ranked, one sentence — src/shared/comparison.ts, which the CLI prints too), the choice of
 * one time axis for all runs, and the key.
 */
import { compareRuns, type Comparison } from '../../../src/shared/comparison';
import { GIL_MODELS, gilVerdict, modelComparisonRuns } from '../../../src/shared/interpreters';
import type { TraceMeta } from '../../../src/shared/protocol';
import { formatSpread } from '../../../src/shared/repetitions';
import { formatCpus, formatNs, formatSpeedup } from '../../../src/shared/format';
import type { RunSummary } from '../../../src/shared/runSummary';
import type { Model } from '../../../src/shared/trace';
import { runTitle } from '../../../src/shared/labels';
import { el } from './header';
import { Key } from './legend';
import type { RunModel } from './model';
import { TERMS, termId } from './terms';
import type { Theme } from './theme';

export interface OverviewHandlers {
  onShared(shared: boolean): void;
  onReveal(line: number, focusEditor: boolean): void;
  /** Scroll the run of `model` (or its order view, when it was repeated) into view. */
  onShowRun(model: Model): void;
}

/** Skipped lines listed in the note before "…". */
const SKIPPED_SHOWN = 8;

export class Overview {
  private readonly note: HTMLElement;
  private readonly comparison: HTMLElement;
  private readonly shared: HTMLInputElement;
  private readonly key = new Key();

  constructor(host: HTMLElement, private readonly handlers: OverviewHandlers) {
    this.note = el('p', { class: 'skipped-note', role: 'note', hidden: '' });
    this.comparison = el('section', { class: 'comparison', 'aria-label': 'The runs compared', hidden: '' });
    this.shared = el('input', { type: 'checkbox', id: 'shared-axis' });
    this.shared.addEventListener('change', () => handlers.onShared(this.shared.checked));
    const label = el('label', { for: 'shared-axis', title: "Off: each run on a time axis of its own, so its events can be read. On: the slowest run's axis for all, to compare durations." }, ' Same time axis for all runs');
    const controls = el('div', { class: 'view-controls' });
    const toggle = el('span', { class: 'shared-axis' });
    toggle.append(this.shared, label);
    controls.append(toggle, this.key.element);
    host.append(this.note, this.comparison, controls);
  }

  /**
   * A finished trace (with its summaries: one per model, medians for a repeated one), or runs
   * still going (`trace` and `summaries` null).
   */
  show(trace: TraceMeta | null, runs: readonly RunModel[], summaries: readonly RunSummary[] | null): void {
    this.showSkipped(trace);
    const rates = new Set(runs.map((r) => r.run.stateSource?.hz).filter((hz): hz is number => hz !== undefined));
    this.key.setSampling(rates.size === 1 ? [...rates][0] : null);
    const comparison = summaries && compareRuns(summaries, modelComparisonRuns(runs.map((r) => r.run)));
    this.comparison.hidden = !comparison;
    this.comparison.replaceChildren();
    if (comparison) this.showComparison(comparison, runs, trace);
    // "does free-threading help?" in one sentence per thread model, when a free-threaded build ran it
    const gil = trace ? GIL_MODELS.map((m) => gilVerdict(trace, m)).filter((s): s is string => s !== null) : [];
    for (const sentence of gil) this.comparison.append(el('p', { class: 'advice gil-verdict' }, sentence));
  }

  setShared(shared: boolean): void {
    this.shared.checked = shared;
  }

  drawKey(theme: Theme): void {
    this.key.draw(theme);
  }

  /** The script part was not run, and the workers are Interleave's: said once, with links to the lines. */
  private showSkipped(trace: TraceMeta | null): void {
    const skipped = trace?.target.skippedLines ?? [];
    this.note.hidden = skipped.length === 0;
    this.note.replaceChildren();
    if (!trace || !skipped.length) return;
    const file = trace.target.file.split(/[\\/]/).pop();
    this.note.append(`Not run: line${skipped.length === 1 ? '' : 's'} `);
    skipped.slice(0, SKIPPED_SHOWN).forEach((line, i) => {
      const link = el('a', { href: '#', 'data-line': String(line) }, String(line));
      link.addEventListener('click', (e) => {
        e.preventDefault();
        this.handlers.onReveal(line, e.detail !== 1); // a click keeps the focus here, Enter goes to the editor
      });
      this.note.append(i ? ', ' : '', link);
    });
    const what = trace.target.function ? `${trace.target.function}()` : 'the selected lines';
    this.note.append(
      `${skipped.length > SKIPPED_SHOWN ? ', …' : ''} of ${file} — the script part (top-level calls, loops, the __main__ block). ` +
        `Interleave runs ${what} in workers of its own: the threads and processes below are not the ones your script starts.`,
    );
  }

  /** While a prediction is to be made, the ranking (which run was fastest, the advice) stays hidden. */
  waitForPredictions(waiting: boolean): void {
    this.comparison.classList.toggle('predict-wait', waiting);
  }

  private showComparison(comparison: Comparison, runs: readonly RunModel[], trace: TraceMeta | null): void {
    const slowest = Math.max(...comparison.rows.map((r) => r.wallNs));
    const table = el('table');
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, 'Run, fastest first'));
    for (const term of ['wall', 'speedup', 'cpusBusy'] as const) head.append(el('th', { scope: 'col', 'aria-describedby': termId(term), title: TERMS[term].meaning }, TERMS[term].name));
    table.append(el('thead'), el('tbody'));
    table.tHead!.append(head);
    for (const row of comparison.rows) {
      const tr = el('tr', { 'data-model': row.model });
      // the row's own run (one per model, or per interpreter and GIL when those were compared)
      const shown = runs[row.run]?.model === row.model ? runs[row.run] : runs.find((r) => r.model === row.model);
      const name = el('button', { type: 'button', class: 'run-link', title: 'Show this run' }, shown ? runTitle(shown.run, trace ?? undefined) : row.model);
      name.addEventListener('click', () => this.handlers.onShowRun(row.model));
      const runCell = el('td');
      runCell.append(name);
      if (row.note) runCell.append(el('span', { class: 'row-note' }, ` (${row.note})`));
      const wall = el('td', { class: 'num' });
      // a repeated model: its median with the range ("12.1 ms (10.3–15.8)")
      const wallText = row.repeated ? formatSpread(row.repeated.wallNs, formatNs) : formatNs(row.wallNs);
      wall.append(el('span', { class: 'wall-bar', style: `width: ${Math.max(2, Math.round((row.wallNs / slowest) * 60))}px`, 'aria-hidden': 'true' }), wallText);
      const speedup = row.model === 'sequential' ? 'baseline' : row.speedup === null ? '—' : row.repeated?.speedup ? formatSpread(row.repeated.speedup, formatSpeedup) : formatSpeedup(row.speedup);
      tr.append(runCell, wall, el('td', { class: 'num' }, speedup), el('td', { class: 'num' }, row.cpusBusy === null ? '—' : formatCpus(row.cpusBusy)));
      table.tBodies[0].append(tr);
    }
    if (comparison.sentence) this.comparison.append(el('p', { class: 'advice' }, comparison.sentence));
    this.comparison.append(table);
  }
}
