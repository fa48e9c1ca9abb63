/**
 * How each run's time maps to the plot. By default every run has a scale of its own, from its
 * start to its end, so its events are readable however long the slowest run took; one shared
 * scale (the slowest run's) compares durations. d3-zoom keeps one transform per run section
 * (wheel zooms around the pointer, drag pans); with the shared scale a zoom of one run is
 * copied to the others.
 */
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { SavedZoom } from '../../../src/shared/protocol';

/** Room after a run's end, so its last mark and label are not on the edge. */
const END_ROOM = 1.02;

export class RunZooms {
  private readonly behavior: ZoomBehavior<HTMLElement, unknown>;
  private targets: Array<Selection<HTMLElement, unknown, null, undefined>> = [];
  private readonly index = new WeakMap<Element, number>();
  private transforms: ZoomTransform[] = [];
  private ends: number[] = [];
  private bases: Array<ScaleLinear<number, number>> = [];
  private gutter = 0;
  private width = 1;
  /** Set while we apply transforms ourselves: the shared scale is not copied back and forth. */
  private applying = false;
  shared = false;

  /** `onChange`: redraw; `onEnd`: a gesture or command finished (save the state). */
  constructor(onChange: () => void, onEnd: () => void) {
    this.behavior = d3zoom<HTMLElement, unknown>()
      .scaleExtent([1, 1e7])
      .filter((event: Event) => {
        const target = event.target as Element;
        const onPlot = target.closest('canvas, svg.axis') !== null;
        return onPlot && !(event as MouseEvent).button && event.type !== 'dblclick';
      })
      .on('zoom', zoomListener(this, onChange))
      .on('end', () => onEnd());
  }

  /** Run `i`'s section was zoomed or panned (by a gesture, or by us); with the shared scale, the others follow. */
  onZoomed(i: number, transform: ZoomTransform): void {
    this.transforms[i] = transform;
    if (this.shared && !this.applying) this.each((j) => j !== i && this.behavior.transform(this.targets[j], transform), true);
  }

  indexOf(section: Element): number | undefined {
    return this.index.get(section);
  }

  /**
   * New runs: `sections[i]` takes the wheel and drags for run `i`, whose last moment is `ends[i]`.
   * Shown whole, unless `keep` (the same runs drawn again, as while they go on): as they were.
   */
  setRuns(sections: readonly HTMLElement[], ends: readonly number[], keep = false): void {
    const before = this.transforms;
    this.targets = sections.map((s, i) => {
      this.index.set(s, i);
      return select(s).call(this.behavior);
    });
    this.transforms = sections.map(() => zoomIdentity);
    this.ends = [...ends];
    this.layout(this.gutter, this.width);
    this.apply((i) => (keep ? (before[this.shared ? 0 : i] ?? zoomIdentity) : zoomIdentity));
  }

  /** The plot starts `gutter` px into each section and is `width` px wide. */
  layout(gutter: number, width: number): void {
    this.gutter = gutter;
    this.width = width;
    const longest = Math.max(1, ...this.ends);
    this.bases = this.ends.map((end) => scaleLinear().domain([0, (this.shared ? longest : Math.max(1, end)) * END_ROOM]).range([gutter, gutter + width]));
    const extent: [[number, number], [number, number]] = [[gutter, 0], [gutter + width, 100]];
    this.behavior.extent(extent).translateExtent(extent);
  }

  /** Run `i`'s zoomed scale in its section's coordinates (the axis is drawn with it). */
  zoomed(i: number): ScaleLinear<number, number> {
    return this.transforms[i].rescaleX(this.bases[i]);
  }

  /** The same in its canvas's coordinates (0 = the plot's left edge). */
  plotScale(i: number): ScaleLinear<number, number> {
    const zoomed = this.zoomed(i);
    const [a, b] = zoomed.range();
    return zoomed.copy().range([a - this.gutter, b - this.gutter]);
  }

  /** Each run whole, on its own scale or the shared one. */
  setShared(shared: boolean): void {
    this.shared = shared;
    this.layout(this.gutter, this.width);
    this.fit();
  }

  fit(): void {
    this.apply(() => zoomIdentity);
  }

  /** Zooms every run by `factor`, keeping time `anchor(i)` where it is on run `i`'s plot. */
  zoomBy(factor: number, anchor: (i: number) => number): void {
    this.each((i) => this.behavior.scaleBy(this.targets[i], factor, [this.zoomed(i)(anchor(i)), 0]), true);
  }

  /** Pans every run by `px` (positive: the view moves to earlier times). */
  panBy(px: number): void {
    this.each((i) => this.behavior.translateBy(this.targets[i], px / this.transforms[i].k, 0), true);
  }

  /** Brings time `t` of run `i` into view (centred, same zoom) when it is outside it. */
  panTo(i: number, t: number): void {
    const [t0, t1] = this.zoomed(i).domain();
    if (t >= t0 && t <= t1) return;
    this.each((j) => (this.shared || j === i) && this.behavior.translateTo(this.targets[j], this.bases[i](t), 0), true);
  }

  /** Shows [t0, t1] of run `i` across the plot (with the shared scale: every run). */
  zoomTo(i: number, t0: number, t1: number): void {
    const base = this.bases[i];
    const [a, b] = base.range();
    const k = Math.max(1, (b - a) / Math.max(1, base(t1 * END_ROOM) - base(t0)));
    const transform = zoomIdentity.translate(a - k * base(t0), 0).scale(k);
    this.apply((j) => (this.shared || j === i ? transform : this.transforms[j]));
  }

  /** What to save for a reload. */
  saved(): SavedZoom {
    return { shared: this.shared, runs: this.transforms.map((t) => ({ k: t.k, x: t.x })) };
  }

  /** A saved view, when it is one of this set of runs (an older panel saved one {k, x}: ignored). */
  restore(zoom: SavedZoom | undefined): void {
    if (!zoom || !Array.isArray(zoom.runs) || zoom.runs.length !== this.targets.length) return;
    if (zoom.shared !== this.shared) this.setShared(zoom.shared);
    this.apply((i) => zoomIdentity.translate(zoom.runs[i].x, 0).scale(zoom.runs[i].k));
  }

  private apply(transform: (i: number) => ZoomTransform): void {
    this.each((i) => this.behavior.transform(this.targets[i], transform(i)), true);
  }

  /** `f` for each run; `ours`: the transforms are set by us (not copied between shared runs). */
  private each(f: (i: number) => unknown, ours = false): void {
    const was = this.applying;
    this.applying = ours || was;
    try {
      for (let i = 0; i < this.targets.length; i++) f(i);
    } finally {
      this.applying = was;
    }
  }
}

/** d3 calls a zoom listener with the zoomed element as `this`. */
function zoomListener(zooms: RunZooms, onChange: () => void) {
  return function (this: HTMLElement, event: { transform: ZoomTransform }): void {
    const i = zooms.indexOf(this);
    if (i === undefined) return;
    zooms.onZoomed(i, event.transform);
    onChange();
  };
}
