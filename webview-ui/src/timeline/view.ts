/**
 * The timeline panel: toolbar, one shared time axis (d3-axis), per run a header and a canvas of
 * lanes, the event list; zoom and pan (d3-zoom) by wheel, drag and keyboard; hover and click.
 */
import { axisTop } from 'd3-axis';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { EventColumns, RunMeta } from '../../../src/shared/columns';
import type { TraceMeta } from '../../../src/shared/protocol';
import type { RunSummary } from '../../../src/shared/summary';
import { axisTicks } from './axisFormat';
import { EventList, type EventRef, type Reveal } from './eventList';
import { el } from './header';
import { renderRunSection } from './runSection';
import { showEventTooltip } from './tooltip';
import { renderToolbar, type ZoomAction } from './toolbar';
import { labelColumnWidth, layoutRun, nearestIndex, plotWidth, rowAt, stripIndexAt, tickCount, type RunLayout } from './layout';
import { buildTimelineModel, type RunModel, type TimelineModel } from './model';
import { drawRun } from './render';
import { applySwatches, readTheme, type Theme } from './theme';

const AXIS_HEIGHT = 24;
const HIT_PX = 5;

export interface ViewCallbacks {
  /**
   * Show `line` in the editor. `focusEditor`: move the keyboard focus there (Enter, a double
   * click); otherwise it stays in the panel (a single click), as in VS Code's Search view.
   * Absent where there is no editor to show it in (the standalone HTML report).
   */
  onReveal?(line: number, focusEditor: boolean): void;
  onZoom?(transform: { k: number; x: number }): void;
}

interface RunView {
  model: RunModel;
  canvas: HTMLCanvasElement;
  layout: RunLayout | null;
}

export class TimelineView {
  private readonly root: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly timeline: HTMLElement;
  private readonly axisSvg: SVGSVGElement;
  private readonly axisGroup: Selection<SVGGElement, unknown, null, undefined>;
  private readonly runsHost: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly list: EventList;
  private readonly titleEl: HTMLElement;
  private readonly pythonEl: HTMLElement;
  private model: TimelineModel | null = null;
  private trace: TraceMeta | null = null;
  private runViews: RunView[] = [];
  private theme: Theme;
  private base: ScaleLinear<number, number> = scaleLinear();
  private transform: ZoomTransform = zoomIdentity;
  private readonly zoomBehavior: ZoomBehavior<HTMLElement, unknown>;
  private readonly zoomTarget: Selection<HTMLElement, unknown, null, undefined>;
  private highlightLine: number | null = null;
  private selected: EventRef | null = null;
  private frame = 0;
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
    this.timeline = el('div', {
      class: 'timeline',
      tabindex: '0',
      'aria-label': 'Timeline: + and − zoom, ← and → pan, 0 fits, Enter goes to the selected event\'s line. The event list below has the same events as text.',
    });
    const axisRow = el('div', { class: 'axis-row' });
    this.axisSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.axisSvg.setAttribute('class', 'axis');
    this.axisSvg.setAttribute('height', String(AXIS_HEIGHT));
    axisRow.append(this.axisSvg);
    this.axisGroup = select(this.axisSvg).append('g').attr('transform', `translate(0,${AXIS_HEIGHT - 1})`);
    this.runsHost = el('div', { class: 'runs' });
    this.timeline.append(axisRow, this.runsHost);
    this.tooltip = el('div', { class: 'tooltip', role: 'tooltip', hidden: '' });
    this.list = new EventList((ref, reveal) => this.onListActivate(ref, reveal));
    const listTitle = el('h2', { class: 'list-title', id: 'events-title' }, 'Events');
    this.root.append(toolbar, this.statusLine, this.timeline, listTitle, this.list.element, this.tooltip);

    this.zoomTarget = select(this.timeline);
    this.zoomBehavior = d3zoom<HTMLElement, unknown>()
      .scaleExtent([1, 1e7])
      .filter((event: Event) => {
        const target = event.target as Element;
        const onPlot = target.closest('canvas, svg.axis') !== null;
        return onPlot && !(event as MouseEvent).button && event.type !== 'dblclick';
      })
      .on('zoom', (event: { transform: ZoomTransform }) => {
        this.transform = event.transform;
        this.scheduleDraw();
      })
      .on('end', () => this.callbacks.onZoom?.({ k: this.transform.k, x: this.transform.x }));
    this.zoomTarget.call(this.zoomBehavior);
    this.timeline.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.resize()).observe(this.timeline);
    new MutationObserver(() => {
      this.theme = readTheme();
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
  showTrace(trace: TraceMeta, columns: readonly EventColumns[], summaries: RunSummary[], zoom?: { k: number; x: number }): void {
    document.body.dataset.state = 'done';
    this.trace = trace;
    this.model = buildTimelineModel(trace.runs, columns);
    const file = trace.target.file.split(/[\\/]/).pop();
    const what = trace.target.function ? `${trace.target.function}(${trace.target.args ?? ""})` : `lines ${trace.target.snippet?.startLine}–${trace.target.snippet?.endLine}`;
    this.setTitle(`${what} — ${file}`);
    const py = trace.python;
    this.pythonEl.textContent = `${py.implementation} ${py.version} · GIL ${py.gil ? 'on' : 'off'} · ${py.cpuCount ?? '?'} CPUs`;
    this.showStatus('');
    this.renderRuns(summaries, trace.target.file);
    if (zoom) this.zoomTarget.call(this.zoomBehavior.transform, zoomIdentity.translate(zoom.x, 0).scale(zoom.k));
  }

  /** While the run goes on: the events so far, on provisional runs (no figures yet). */
  showLive(runs: readonly RunMeta[], columns: readonly EventColumns[]): void {
    document.body.dataset.state = 'running';
    this.trace = null;
    this.model = buildTimelineModel(runs, columns);
    this.renderRuns(null, '');
  }

  private renderRuns(summaries: RunSummary[] | null, targetFile: string): void {
    const model = this.model!;
    this.runViews = [];
    this.runsHost.replaceChildren();
    model.runs.forEach((run, i) => {
      const { section, canvas } = renderRunSection(run, summaries ? summaries[i] : null, targetFile, {
        onReveal: this.callbacks.onReveal && ((line, focusEditor) => this.callbacks.onReveal?.(line, focusEditor)),
        onZoomToRun: () => this.zoomTo(0, run.endNs),
      });
      canvas.addEventListener('mousemove', (e) => this.onHover(i, e));
      canvas.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
      canvas.addEventListener('click', (e) => this.onClick(i, e));
      this.runsHost.append(section);
      this.runViews.push({ model: run, canvas, layout: null });
    });
    this.list.setRuns(model.runs);
    this.applySwatches();
    this.widestLabel = widestLabel(this.runsHost);
    this.resize();
  }

  private applySwatches(): void {
    let workers = 0;
    for (const run of this.model?.runs ?? []) for (const lane of run.lanes) workers = Math.max(workers, lane.worker + 1);
    applySwatches(this.theme, workers);
  }

  setHighlightLine(line: number | null): void {
    this.highlightLine = line;
    this.list.setHighlightLine(line);
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
    const gutter = this.gutter;
    this.base = scaleLinear().domain([0, this.model.endNs * 1.02]).range([gutter, gutter + width]);
    const extent: [[number, number], [number, number]] = [[gutter, 0], [gutter + width, 100]];
    this.zoomBehavior.extent(extent).translateExtent(extent);
    this.axisSvg.setAttribute('width', String(gutter + width));
    this.draw();
  }

  private scheduleDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** The zoomed scale, in canvas coordinates (0 = left edge of the plot). */
  private plotScale(): ScaleLinear<number, number> {
    const zoomed = this.transform.rescaleX(this.base);
    const [a, b] = zoomed.range();
    return zoomed.copy().range([a - this.gutter, b - this.gutter]);
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
    const zoomed = this.transform.rescaleX(this.base);
    const ticks = axisTicks((n) => zoomed.ticks(n), width, tickCount(width));
    const axis = axisTop<number>(zoomed).tickValues(ticks.values).tickFormat((d) => ticks.format(Number(d)));
    this.axisGroup.call(axis);
    const x = this.plotScale();
    const dpr = window.devicePixelRatio || 1;
    this.runViews.forEach((rv, i) => {
      const height = rv.canvas.height / dpr;
      const ctx = rv.canvas.getContext('2d')!;
      const needed = layoutRun(rv.model.lanes.length).height;
      if (rv.canvas.width !== Math.round(width * dpr) || height !== needed) {
        rv.canvas.width = Math.round(width * dpr);
        rv.canvas.height = Math.round(needed * dpr);
        rv.canvas.style.width = `${width}px`;
        rv.canvas.style.height = `${needed}px`;
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const selected = this.selected && this.selected.run === i ? this.selected.index : -1;
      rv.layout = drawRun(ctx, rv.model, { x, width, theme: this.theme, highlightLine: this.highlightLine, selected });
    });
  }

  /** The event under the pointer: lanes by time (spatial index), the strip by order. */
  private hit(runIndex: number, e: MouseEvent): number {
    const rv = this.runViews[runIndex];
    if (!rv.layout) return -1;
    const rect = rv.canvas.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const row = rowAt(rv.layout, e.clientY - rect.top);
    if (row === null) return -1;
    if (row === 'strip') return stripIndexAt(px, rv.model.cols.t.length, rect.width);
    const x = this.plotScale();
    const lane = rv.model.lanes[row];
    const j = nearestIndex(lane.times, x.invert(px), Math.abs(x.invert(px + HIT_PX) - x.invert(px)));
    return j < 0 ? -1 : lane.index[j];
  }

  private onHover(runIndex: number, e: MouseEvent): void {
    const index = this.hit(runIndex, e);
    const rv = this.runViews[runIndex];
    rv.canvas.style.cursor = index >= 0 ? 'pointer' : '';
    if (index < 0) {
      this.tooltip.hidden = true;
      return;
    }
    showEventTooltip(this.tooltip, rv.model, index, e, this.callbacks.onReveal !== undefined);
  }

  /** A click selects and shows the line, keeping focus here; the second click of a double click moves focus to the editor. */
  private onClick(runIndex: number, e: MouseEvent): void {
    const index = this.hit(runIndex, e);
    if (index < 0) return;
    this.selected = { run: runIndex, index };
    this.list.select(this.selected);
    const line = this.runViews[runIndex].model.cols.line[index];
    if (line > 0) this.callbacks.onReveal?.(line, e.detail >= 2);
    this.scheduleDraw();
  }

  private onListActivate(ref: EventRef, reveal: Reveal): void {
    this.selected = ref;
    const run = this.model?.runs[ref.run];
    const line = run?.cols.line[ref.index] ?? 0;
    if (reveal !== 'none' && line > 0) this.callbacks.onReveal?.(line, reveal === 'focus-editor');
    if (run) this.panTo(run.cols.t[ref.index]);
    this.scheduleDraw();
  }

  /** Enter on the timeline: go to the selected event's line (the focus moves to the editor). */
  private goToSelected(): void {
    const { run, index } = this.selected!;
    const line = this.model?.runs[run]?.cols.line[index] ?? 0;
    if (line > 0) this.callbacks.onReveal?.(line, true);
  }

  /** Brings time `t` into view (centred, same zoom) when it is outside the plot. */
  private panTo(t: number): void {
    const [t0, t1] = this.transform.rescaleX(this.base).domain();
    if (t >= t0 && t <= t1) return;
    this.zoomTarget.call(this.zoomBehavior.translateTo, this.base(t), 0);
  }

  /** Shows [t0, t1] across the plot. */
  zoomTo(t0: number, t1: number): void {
    const [a, b] = this.base.range();
    const k = Math.max(1, (b - a) / Math.max(1, this.base(t1 * 1.03) - this.base(t0)));
    this.zoomTarget.call(this.zoomBehavior.transform, zoomIdentity.translate(a - k * this.base(t0), 0).scale(k));
  }

  private command(action: ZoomAction): void {
    const [a, b] = this.base.range();
    const center: [number, number] = [(a + b) / 2, 0];
    if (action === 'zoom-in') this.zoomTarget.call(this.zoomBehavior.scaleBy, 1.6, center);
    else if (action === 'zoom-out') this.zoomTarget.call(this.zoomBehavior.scaleBy, 1 / 1.6, center);
    else if (action === 'fit') this.zoomTarget.call(this.zoomBehavior.transform, zoomIdentity);
  }

  private onKey(e: KeyboardEvent): void {
    const step = 80 / this.transform.k;
    if (e.key === '+' || e.key === '=') this.command('zoom-in');
    else if (e.key === '-' || e.key === '_') this.command('zoom-out');
    else if (e.key === '0' || e.key === 'f' || e.key === 'Home') this.command('fit');
    else if (e.key === 'ArrowLeft') this.zoomTarget.call(this.zoomBehavior.translateBy, step, 0);
    else if (e.key === 'ArrowRight') this.zoomTarget.call(this.zoomBehavior.translateBy, -step, 0);
    else if (e.key === 'Enter' && this.selected) this.goToSelected();
    else return;
    e.preventDefault();
  }

  get currentTrace(): TraceMeta | null {
    return this.trace;
  }
}

/** The width the widest lane label needs (its text, swatch and padding), however wide its column is now. */
function widestLabel(host: HTMLElement): number {
  let widest = 0;
  const range = document.createRange();
  for (const label of host.querySelectorAll<HTMLElement>('.lane-label')) {
    range.selectNodeContents(label);
    const style = getComputedStyle(label);
    widest = Math.max(widest, range.getBoundingClientRect().width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight));
  }
  return widest;
}
