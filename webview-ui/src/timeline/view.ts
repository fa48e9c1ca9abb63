/**
 * The timeline panel: toolbar, the overview (comparison, key), per run a header, a time axis
 * (d3-axis) and a canvas of lanes, the event list; zoom and pan (runZoom.ts) by wheel, drag and
 * keyboard; hover and click; the replay bar (replay.ts) and, with Predict first, a prediction
 * block per run (predict.ts) that keeps the run's order hidden until it is done.
 */
import { axisTop } from 'd3-axis';
import { select } from 'd3-selection';
import type { EventColumns, RunMeta } from '../../../src/shared/columns';
import type { SavedZoom, TraceMeta } from '../../../src/shared/protocol';
import type { RunSummary } from '../../../src/shared/runSummary';
import { axisTicks } from './axisFormat';
import { EventList, type EventRef, type Reveal } from './eventList';
import { fileAt, textAt } from '../../../src/shared/columns';
import { el } from './header';
import { Overview } from './overview';
import { PredictGate } from './predictGate';
import { comparedTrace, SHOWN_NAME, TraceComparisonView } from './traceComparison';
import { Replay } from './replay';
import { RepeatedRuns } from './repeatedRuns';
import { modelSummaries } from '../../../src/shared/repetitions';
import { fillLaneLabels, renderRunSection } from './runSection';
import { RunZooms } from './runZoom';
import { pointedAt, showPointedTooltip, type Pointed } from './pointer';
import { renderToolbar, type ZoomAction } from './toolbar';
import { keyAnchor, labelColumnWidth, layoutRun, plotWidth, tickCount } from './layout';
import { buildTimelineModel, rowKinds, setCollapsed, writerOf, type RunModel, type TimelineModel } from './model';
import type { ModelOrders } from '../../../src/shared/trace';
import { targetTitle } from '../../../src/shared/labels';
import { drawRun, type DrawnRun } from './render';
import { applySwatches, readTheme, type Theme } from './theme';

const AXIS_HEIGHT = 24;
/** A key press zooms by this factor, and pans by this many pixels. */
const ZOOM_STEP = 1.6;
const PAN_STEP = 80;

export interface ViewCallbacks {
  /**
   * Show `line` in the editor (of the traced file, or of `file`: another file of the program).
   * `focusEditor`: move the keyboard focus there (Enter, a double click); otherwise it stays in
   * the panel (a single click), as in VS Code's Search view. Absent where there is no editor to
   * show it in (the standalone HTML report).
   */
  onReveal?(line: number, focusEditor: boolean, file?: string): void;
  onZoom?(zoom: SavedZoom): void;
  /** "Predict first" was switched (kept in the webview's state). */
  onPredictFirst?(on: boolean): void;
  /** The process groups collapsed now (their keys; kept in the webview's state with the trace's key). */
  onCollapse?(keys: string[]): void;
}

interface RunView {
  model: RunModel;
  canvas: HTMLCanvasElement;
  axis: SVGSVGElement;
  layout: DrawnRun | null;
}

export class TimelineView {
  private readonly root: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly overview: Overview;
  private readonly timeline: HTMLElement;
  private readonly runsHost: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly list: EventList;
  private readonly titleEl: HTMLElement;
  private readonly pythonEl: HTMLElement;
  private model: TimelineModel | null = null;
  /** The finished trace shown, whole (`model` holds the runs drawn: with --repeat, one repetition per model). */
  private traceShown: { trace: TraceMeta; columns: readonly EventColumns[]; summaries: RunSummary[] } | null = null;
  private repeated: RepeatedRuns | null = null;
  /** What building and drawing the order views took (performance mark `interleave:orders`). */
  private ordersMs = 0;
  private runViews: RunView[] = [];
  private theme: Theme;
  private readonly zooms: RunZooms;
  /** The editor's cursor line (null: none), in the traced file or in `file`. */
  private highlight: { line: number; file: string | null } | null = null;
  /** Process groups (ProcessGroup keys) collapsed into one lane: kept across redraws and the runs shown. */
  private readonly collapsed = new Set<string>();
  private selected: EventRef | null = null;
  private frame = 0;
  private readonly replay: Replay;
  /** The selection was put there by the replay: a cursor line marks it across the run. */
  private cursor = false;
  /** "Predict first": each finished run's order stays hidden until the student predicted it. */
  private readonly predict: PredictGate;
  /** Compare with Trace…: the other trace's orders beside the shown one's, above the timelines. */
  private readonly comparison = new TraceComparisonView();
  private shown: { cpuCount: number | null; orders?: ModelOrders[] } | null = null;
  private readonly listTitle: HTMLElement;
  /** Width of the lane-label column (the plot starts here); follows the labels and the panel. */
  private gutter = 0;
  /** What the widest lane label needs (measured once per set of runs). */
  private widestLabel = 0;

  constructor(root: HTMLElement, private readonly callbacks: ViewCallbacks) {
    this.root = root;
    this.theme = readTheme();
    const { toolbar, title, python } = renderToolbar((action) => this.command(action));
    this.titleEl = title;
    this.pythonEl = python;
    this.statusLine = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
    const overview = el('div', { class: 'overview' });
    this.timeline = el('div', {
      class: 'timeline',
      tabindex: '0',
      'aria-label': "Timeline: ← and → step the replay through the run's events (Home, End: first, last; Space plays), Shift+← and Shift+→ pan, + and − zoom around the selected event (or the events in view), 0 fits, Enter goes to the selected event's line. The event list below has the same events as text.",
    });
    this.runsHost = el('div', { class: 'runs' });
    this.timeline.append(this.runsHost);
    this.tooltip = el('div', { class: 'tooltip', role: 'tooltip', hidden: '' });
    this.list = new EventList((ref, reveal) => this.onListActivate(ref, reveal));
    this.listTitle = el('h2', { class: 'list-title', id: 'events-title' }, 'Events');
    this.replay = new Replay({
      // a run waiting for its prediction has nothing to replay yet: its order would show
      eventCounts: () => this.model?.runs.map((r, i) => (this.predict.waiting(i) ? 0 : r.cols.t.length)) ?? [],
      position: () => this.selected,
      show: (ref) => this.showReplayed(ref),
      describe: (ref) => {
        const run = this.model!.runs[ref.run];
        return [run.title, `${writerOf(run, ref.index)} · ${textAt(run.cols, ref.index)}`];
      },
    });
    this.root.append(toolbar, this.statusLine, overview, this.comparison.element, this.replay.element, this.timeline, this.listTitle, this.list.element, this.tooltip);
    this.zooms = new RunZooms(
      () => this.scheduleDraw(),
      () => this.callbacks.onZoom?.(this.zooms.saved()),
    );
    this.overview = new Overview(overview, {
      onShared: (shared) => {
        this.zooms.setShared(shared);
        this.callbacks.onZoom?.(this.zooms.saved());
      },
      onReveal: (line, focusEditor) => this.callbacks.onReveal?.(line, focusEditor),
      onShowRun: (model) => {
        const shown = this.runViews.find((rv) => rv.model.model === model);
        const section = shown?.canvas.closest('section');
        (shown && this.repeated?.viewOf(shown.model.run)?.element || section)?.scrollIntoView({ block: 'start' });
      },
    });
    this.overview.drawKey(this.theme);
    this.predict = new PredictGate(
      overview.querySelector('.view-controls')!,
      (on) => {
        this.setPredictFirst(on);
        this.callbacks.onPredictFirst?.(on);
      },
      {
        orderViewOf: (run) => this.repeated?.viewOf(run)?.element,
        shown: () => this.shown,
        onRevealed: () => {
          this.showListIfPredicted();
          this.widestLabel = widestLabel(this.runsHost); // its labels had no width while hidden
          this.resize();
        },
      },
    );
    this.timeline.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.resize()).observe(this.timeline);
    new MutationObserver(() => {
      this.theme = readTheme();
      this.overview.drawKey(this.theme);
      this.applySwatches();
      this.widestLabel = widestLabel(this.runsHost); // high contrast swatches are larger
      this.resize();
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
  }

  showStatus(text: string): void {
    this.statusLine.textContent = text;
  }

  setTitle(text: string): void {
    this.titleEl.textContent = text;
  }

  /** The finished trace: runs without events, their events as columns, the header figures. */
  showTrace(trace: TraceMeta, columns: readonly EventColumns[], summaries: RunSummary[], zoom?: SavedZoom, collapsed: readonly string[] = []): void {
    document.body.dataset.state = 'done';
    this.collapsed.clear(); // another trace: its own groups
    for (const key of collapsed) this.collapsed.add(key);
    this.traceShown = { trace, columns, summaries };
    this.predict.forget(); // a new trace: a new prediction
    this.comparison.clear(); // it was of the trace shown before
    const started = performance.now();
    const perModel = modelSummaries(trace.runs, summaries, trace.python.gil); // one per model: medians for a repeated one
    this.repeated = trace.orders?.length ? new RepeatedRuns(trace, columns, perModel, () => this.showRuns()) : null;
    if (!this.repeated?.any) this.repeated = null;
    this.ordersMs = performance.now() - started;
    const file = trace.target.file.split(/[\\/]/).pop();
    this.setTitle(trace.target.script ? targetTitle(trace.target) : `${targetTitle(trace.target)} — ${file}`);
    const py = trace.python;
    this.pythonEl.textContent = `${py.implementation} ${py.version}${py.freeThreaded ? ' free-threaded' : ''} · GIL ${py.gil ? 'on' : 'off'} · ${py.cpuCount ?? '?'} CPUs`;
    this.showStatus('');
    this.shown = { cpuCount: trace.python.cpuCount, orders: trace.orders };
    this.showRuns();
    // the order views' cost, built and drawn (not the timelines drawn with them): read by `npm run bench`
    if (this.repeated) performance.measure('interleave:orders', { start: started, duration: this.ordersMs });
    this.overview.show(trace, this.model!.runs, perModel);
    this.zooms.restore(zoom);
    this.overview.setShared(this.zooms.shared);
  }

  /** The trace's runs to draw (with --repeat: the repetition picked per model, under its order view). */
  private showRuns(): void {
    const { trace, columns, summaries } = this.traceShown!;
    const shown = this.repeated?.shownRuns() ?? trace.runs.map((_, i) => i);
    const focused = document.activeElement;
    this.model = buildTimelineModel(shown.map((i) => trace.runs[i]), shown.map((i) => columns[i]), trace.python, this.collapsed);
    this.model.runs.forEach((r, k) => (r.title = this.repeated?.titleOf(shown[k], r.title) ?? r.title));
    this.renderRuns(shown.map((i) => summaries[i]), trace.target.file);
    this.repeated?.place(this.runsHost, shown);
    const drawing = performance.now();
    this.repeated?.draw(this.theme, this.timeline.clientWidth); // measured by the redraw just before: no second layout
    this.ordersMs += performance.now() - drawing;
    // an order view moved with the redraw: the keyboard stays where it was
    if (focused instanceof HTMLElement && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
  }

  /** While the run goes on: the events so far, on provisional runs (no figures yet). */
  showLive(runs: readonly RunMeta[], columns: readonly EventColumns[]): void {
    document.body.dataset.state = 'running';
    this.traceShown = this.repeated = null;
    this.model = buildTimelineModel(runs, columns);
    this.shown = null;
    this.renderRuns(null, '');
    this.overview.show(null, this.model.runs, null);
  }

  private renderRuns(summaries: RunSummary[] | null, targetFile: string): void {
    const model = this.model!;
    const live = summaries === null;
    this.runViews = [];
    this.selected = null; // an index into the events drawn before
    this.cursor = false;
    this.replay.reset();
    this.runsHost.replaceChildren();
    const sections = model.runs.map((run, i) => {
      const { section, canvas } = renderRunSection(run, summaries ? summaries[i] : null, targetFile, {
        onReveal: this.callbacks.onReveal && ((line, focusEditor) => this.callbacks.onReveal?.(line, focusEditor)),
        onZoomToRun: () => this.zooms.zoomTo(i, 0, run.endNs),
        onToggleGroup: (key) => this.toggleGroup(key),
      });
      canvas.addEventListener('mousemove', (e) => this.onHover(i, e));
      canvas.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
      canvas.addEventListener('click', (e) => this.onClick(i, e));
      const axis = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      axis.setAttribute('class', 'axis');
      axis.setAttribute('height', String(AXIS_HEIGHT));
      axis.append(document.createElementNS('http://www.w3.org/2000/svg', 'g'));
      section.querySelector('.run-body')?.before(axis);
      this.runsHost.append(section);
      this.runViews.push({ model: run, canvas, axis, layout: null });
      return section;
    });
    this.zooms.setRuns(sections, model.runs.map((r) => r.endNs), live); // while a run goes on, its redraws keep the zoom
    this.list.setRuns(model.runs);
    this.predict.gate(sections, model.runs, live);
    this.showListIfPredicted();
    this.applySwatches();
    this.widestLabel = widestLabel(this.runsHost);
    this.resize();
  }

  /**
   * A process group's heading pressed: its lanes become one (or come back). Only the rows change —
   * the zoom, the selection and the replay stay — and the keyboard stays on the heading.
   */
  private toggleGroup(key: string): void {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
    for (const rv of this.runViews) {
      if (!rv.model.groups.some((g) => g.key === key)) continue;
      setCollapsed(rv.model, this.collapsed);
      const labels = rv.canvas.parentElement?.querySelector<HTMLElement>('.lane-labels');
      if (labels) fillLaneLabels(labels, rv.model, (k) => this.toggleGroup(k));
      labels?.querySelector<HTMLElement>(`.group-heading[data-group="${key}"]`)?.focus({ preventScroll: true });
    }
    this.tooltip.hidden = true;
    this.applySwatches();
    this.widestLabel = widestLabel(this.runsHost);
    this.resize();
    this.callbacks.onCollapse?.([...this.collapsed]);
  }

  private applySwatches(): void {
    let workers = 0;
    for (const run of this.model?.runs ?? []) for (const lane of run.lanes) workers = Math.max(workers, lane.worker + 1);
    applySwatches(this.theme, workers);
  }

  /** `file`: the cursor is in that other file of the program (a script run's), not the traced file. */
  setHighlightLine(line: number | null, file?: string): void {
    this.highlight = line === null ? null : { line, file: file ?? null };
    this.list.setHighlightLine(line, file);
    this.scheduleDraw();
  }

  /** Compare with Trace…: `trace` (called `name`) beside the shown one, per model both ran. */
  showComparison(name: string, trace: TraceMeta, columns: readonly EventColumns[]): void {
    const shown = this.traceShown;
    if (!shown) return this.showStatus(`Nothing to compare ${name} with yet: show a trace first (run a function, or pick one in the history).`);
    const runs = this.repeated?.shownRuns() ?? shown.trace.runs.map((_, i) => i);
    const other = comparedTrace(name, trace, columns, trace.runs.map((_, i) => i));
    this.comparison.show(comparedTrace(SHOWN_NAME, shown.trace, shown.columns, runs), other, this.theme, this.timeline.clientWidth);
    this.showStatus('');
  }

  /** Switches "Predict first" (from the saved state, or its checkbox): the runs are drawn again, hidden or not. */
  setPredictFirst(on: boolean): void {
    this.predict.set(on);
    if (this.traceShown) this.showRuns();
  }

  /** The event list gives the order away: it waits until every run's prediction is done. */
  /** The event list, the runs' ranking and a comparison with another trace give the orders and speeds away: they wait for the predictions. */
  private showListIfPredicted(): void {
    const waiting = this.predict.listWaits(this.model?.runs.length ?? 0);
    this.list.element.hidden = waiting;
    this.listTitle.textContent = waiting ? 'Events — shown once you have predicted (or skipped) every run' : 'Events';
    this.overview.waitForPredictions(waiting);
    this.comparison.element.classList.toggle('predict-wait', waiting); // another trace's orders beside these
  }

  /** The replay's step: the event selected, the cursor on it (in view), its row, its line in the editor with the focus kept here. */
  private showReplayed(ref: EventRef): void {
    const run = this.model?.runs[ref.run];
    if (!run) return;
    this.selected = ref;
    this.cursor = true;
    this.list.select(ref);
    this.zooms.panTo(ref.run, run.cols.t[ref.index]);
    this.revealEvent(run, ref.index, false);
    this.scheduleDraw();
  }

  private plotWidth(): number {
    return plotWidth(this.timeline.clientWidth, this.gutter);
  }

  private resize(): void {
    if (!this.model) return;
    this.gutter = labelColumnWidth(this.timeline.clientWidth, this.widestLabel);
    this.timeline.style.setProperty('--label-width', `${this.gutter}px`);
    const width = this.plotWidth();
    this.zooms.layout(this.gutter, width);
    for (const rv of this.runViews) rv.axis.setAttribute('width', String(this.gutter + width));
    this.repeated?.draw(this.theme, this.timeline.clientWidth);
    this.comparison.draw(this.theme, this.timeline.clientWidth);
    this.draw();
  }

  private scheduleDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    if (!this.model) return;
    const started = performance.now();
    this.drawFrame();
    performance.measure('interleave:draw', { start: started }); // read by `npm run bench`
  }

  private drawFrame(): void {
    if (!this.model) return;
    const width = this.plotWidth();
    const dpr = window.devicePixelRatio || 1;
    this.runViews.forEach((rv, i) => {
      const zoomed = this.zooms.zoomed(i);
      const ticks = axisTicks((n) => zoomed.ticks(n), width, tickCount(width));
      const axis = axisTop<number>(zoomed).tickValues(ticks.values).tickFormat((d) => ticks.format(Number(d)));
      select(rv.axis.firstElementChild as SVGGElement).attr('transform', `translate(0,${AXIS_HEIGHT - 1})`).call(axis);
      const x = this.zooms.plotScale(i);
      const height = rv.canvas.height / dpr;
      const ctx = rv.canvas.getContext('2d')!;
      const needed = layoutRun(rowKinds(rv.model)).height;
      if (rv.canvas.width !== Math.round(width * dpr) || height !== needed) {
        rv.canvas.width = Math.round(width * dpr);
        rv.canvas.height = Math.round(needed * dpr);
        rv.canvas.style.width = `${width}px`;
        rv.canvas.style.height = `${needed}px`;
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const selected = this.selected && this.selected.run === i ? this.selected.index : -1;
      rv.layout = drawRun(ctx, rv.model, { x, width, theme: this.theme, highlight: this.highlight, selected, cursor: this.cursor && selected >= 0 });
    });
  }

  private pointed(runIndex: number, e: MouseEvent): Pointed | null {
    const rv = this.runViews[runIndex];
    return rv.layout ? pointedAt(rv.canvas, rv.model, rv.layout, this.zooms.plotScale(runIndex), e) : null;
  }

  private onHover(runIndex: number, e: MouseEvent): void {
    const at = this.pointed(runIndex, e);
    const rv = this.runViews[runIndex];
    rv.canvas.style.cursor = at && (at.kind === 'event' || at.kind === 'offscreen') ? 'pointer' : '';
    showPointedTooltip(this.tooltip, at, rv.model, e, this.callbacks.onReveal !== undefined);
  }

  /**
   * A click on an event selects it and shows its line, keeping focus here (the second click of a
   * double click moves the focus to the editor); on a count at the edge, brings the nearest of
   * those events into view.
   */
  private onClick(runIndex: number, e: MouseEvent): void {
    const at = this.pointed(runIndex, e);
    if (at?.kind === 'offscreen') {
      // centred a little beyond it, so the nearest comes in near the edge it was behind, with more of them
      const [t0, t1] = this.zooms.zoomed(runIndex).domain();
      const times = at.lane.times;
      const nearest = at.side === 'before' ? times.at(at.count - 1)! : times.at(times.length - at.count)!;
      this.zooms.panTo(runIndex, nearest + (at.side === 'before' ? -0.4 : 0.4) * (t1 - t0));
      return;
    }
    if (at?.kind !== 'event') return;
    this.selected = { run: runIndex, index: at.index };
    this.cursor = false;
    this.replay.sync();
    this.list.select(this.selected);
    this.revealEvent(this.runViews[runIndex].model, at.index, e.detail >= 2);
    this.scheduleDraw();
  }

  private onListActivate(ref: EventRef, reveal: Reveal): void {
    this.selected = ref;
    this.cursor = false;
    this.replay.sync();
    const run = this.model?.runs[ref.run];
    if (run && reveal !== 'none') this.revealEvent(run, ref.index, reveal === 'focus-editor');
    if (run) this.zooms.panTo(ref.run, run.cols.t[ref.index]);
    this.scheduleDraw();
  }

  /** Enter on the timeline: go to the selected event's line (the focus moves to the editor). */
  private goToSelected(): void {
    const { run, index } = this.selected!;
    const shown = this.model?.runs[run];
    if (shown) this.revealEvent(shown, index, true);
  }

  /** Event `index`'s line in the editor, in whichever file of the program it is (nothing when it has none). */
  private revealEvent(run: RunModel, index: number, focusEditor: boolean): void {
    const line = run.cols.line[index];
    if (line > 0) this.callbacks.onReveal?.(line, focusEditor, fileAt(run.cols, index));
  }

  /**
   * The time `+` and `−` keep still on run `i`: the selected event when it is in view (with the
   * shared scale, wherever it is), else the event nearest the middle of the view — never the
   * empty middle of a run whose events are elsewhere.
   */
  private keyAnchor(i: number): number {
    const runs = this.model!.runs;
    const [t0, t1] = this.zooms.zoomed(i).domain();
    const sel = this.selected;
    if (sel && (sel.run === i || this.zooms.shared)) {
      const t = runs[sel.run].cols.t[sel.index];
      if (t >= t0 && t <= t1) return t;
    }
    if (!this.zooms.shared) return keyAnchor(runs[i].cols.t, t0, t1);
    const nearest = runs.map((r) => keyAnchor(r.cols.t, t0, t1));
    const middle = (t0 + t1) / 2;
    return nearest.reduce((best, t) => (Math.abs(t - middle) < Math.abs(best - middle) ? t : best), nearest[0] ?? middle);
  }

  private command(action: ZoomAction): void {
    if (!this.model) return;
    if (action === 'zoom-in') this.zooms.zoomBy(ZOOM_STEP, (i) => this.keyAnchor(i));
    else if (action === 'zoom-out') this.zooms.zoomBy(1 / ZOOM_STEP, (i) => this.keyAnchor(i));
    else if (action === 'fit') this.zooms.fit();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.timeline) return; // keys of a button inside (Zoom to run) are its own
    if (e.key === '+' || e.key === '=') this.command('zoom-in');
    else if (e.key === '-' || e.key === '_') this.command('zoom-out');
    else if (e.key === '0' || e.key === 'f') this.command('fit');
    else if (e.key === 'ArrowLeft' && e.shiftKey) this.zooms.panBy(PAN_STEP);
    else if (e.key === 'ArrowRight' && e.shiftKey) this.zooms.panBy(-PAN_STEP);
    else if (e.key === 'ArrowLeft') this.replay.step(-1);
    else if (e.key === 'ArrowRight') this.replay.step(1);
    else if (e.key === 'Home') this.replay.command('first');
    else if (e.key === 'End') this.replay.command('last');
    else if (e.key === ' ') this.replay.togglePlay();
    else if (e.key === 'Enter' && this.selected) this.goToSelected();
    else return;
    e.preventDefault();
  }
}

/** The width the widest lane label needs (its text, swatch and padding), however wide its column is now. */
function widestLabel(host: HTMLElement): number {
  let widest = 0;
  const range = document.createRange();
  for (const label of host.querySelectorAll<HTMLElement>('.lane-label, .group-heading')) {
    range.selectNodeContents(label);
    const style = getComputedStyle(label);
    widest = Math.max(widest, range.getBoundingClientRect().width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight));
  }
  return widest;
}
