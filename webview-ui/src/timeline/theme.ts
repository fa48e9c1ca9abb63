/**
 * Colours for the canvas, read from VS Code's theme variables (dark, light, high contrast), and
 * the workers' look: their palette (palette.ts) chosen by the background, hatched in high contrast.
 */
import type { ThreadState } from '../../../src/shared/trace';
import { inkOn, paletteFor, parseHex, WORKER_PALETTES, workerLook, type Pattern, type Rgb } from './palette';

export interface Theme {
  foreground: string;
  muted: string;
  background: string;
  laneStripe: string;
  focus: string;
  /** Marks the events of the editor's cursor line: quieter than the selection (which uses `focus`). */
  lineHighlight: string;
  error: string;
  font: string;
  /** For worker numbers in the Order strip. */
  smallFont: string;
  /** The workers' palette for this background. */
  workers: readonly string[];
  /** The thread states' colours in the state strip (told apart by shape too: render.ts STATE_SHAPES). */
  states: Record<ThreadState, string>;
  highContrast: boolean;
}

export function readTheme(element: Element = document.body): Theme {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#cccccc');
  const background = v('--vscode-editor-background', '#1e1e1e');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    background,
    laneStripe: v('--vscode-editor-lineHighlightBackground', 'rgba(128,128,128,0.08)'),
    focus: v('--vscode-focusBorder', '#007fd4'),
    lineHighlight: v('--vscode-editorLineNumber-activeForeground', foreground),
    error: v('--vscode-errorForeground', v('--vscode-charts-red', '#f14c4c')),
    font: `${v('--vscode-editor-font-size', '12px').replace(/^(\d+)$/, '$1px')} ${v('--vscode-editor-font-family', 'monospace')}`,
    smallFont: `bold 10px ${v('--vscode-font-family', 'sans-serif')}`,
    workers: WORKER_PALETTES[paletteFor(cssRgb(background))],
    states: {
      running: v('--vscode-charts-green', '#89d185'),
      gil: v('--vscode-charts-red', '#f14c4c'),
      lock: v('--vscode-charts-orange', '#d18616'),
      sleep: v('--vscode-charts-blue', '#3794ff'),
      io: v('--vscode-charts-purple', '#b180d7'),
      other: v('--vscode-descriptionForeground', foreground),
    },
    highContrast,
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour as sRGB (the canvas normalises it); transparent parts count as black. */
function cssRgb(color: string): Rgb {
  probe ??= document.createElement('canvas').getContext('2d')!;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const normal = probe.fillStyle;
  if (normal.startsWith('#')) return parseHex(normal);
  const [r, g, b, a = 1] = normal.replace(/[^\d.,]/g, '').split(',').map(Number);
  return [r * a, g * a, b * a];
}

export function workerColor(theme: Theme, worker: number): string {
  return theme.workers[workerLook(worker, theme.highContrast).colour];
}

/** Black or white: the ink for a worker's number written on its colour. */
export function workerInk(theme: Theme, worker: number): string {
  return inkOn(parseHex(workerColor(theme, worker)));
}

const TILE = 6;

/** Hatching drawn in the background colour over the worker's colour, on a TILE × TILE tile. */
const HATCH: Record<Pattern, (c: CanvasRenderingContext2D) => void> = {
  solid: () => {},
  diagonal: (c) => stroke(c, [[0, TILE], [TILE, 0]], [[-1, 1], [1, -1]], [[TILE - 1, TILE + 1], [TILE + 1, TILE - 1]]),
  antidiagonal: (c) => stroke(c, [[0, 0], [TILE, TILE]], [[-1, TILE - 1], [1, TILE + 1]], [[TILE - 1, -1], [TILE + 1, 1]]),
  horizontal: (c) => c.fillRect(0, 2, TILE, 2),
  vertical: (c) => c.fillRect(2, 0, 2, TILE),
  cross: (c) => (c.fillRect(0, 2, TILE, 1.5), c.fillRect(2, 0, 1.5, TILE)),
  dots: (c) => c.fillRect(2, 2, 2, 2),
  checks: (c) => (c.fillRect(0, 0, TILE / 2, TILE / 2), c.fillRect(TILE / 2, TILE / 2, TILE / 2, TILE / 2)),
};

function stroke(c: CanvasRenderingContext2D, ...lines: Array<[[number, number], [number, number]]>): void {
  c.lineWidth = 1.5;
  c.beginPath();
  for (const [[x0, y0], [x1, y1]] of lines) {
    c.moveTo(x0, y0);
    c.lineTo(x1, y1);
  }
  c.stroke();
}

const tiles = new Map<string, HTMLCanvasElement>();

/** The worker's tile: its colour with its hatching (cached per colour, hatching and background). */
function workerTile(theme: Theme, worker: number): HTMLCanvasElement {
  const { colour, pattern } = workerLook(worker, theme.highContrast);
  const fill = theme.workers[colour];
  const key = `${fill} ${pattern} ${theme.background}`;
  let tile = tiles.get(key);
  if (!tile) {
    tile = document.createElement('canvas');
    tile.width = tile.height = TILE;
    const c = tile.getContext('2d')!;
    c.fillStyle = fill;
    c.fillRect(0, 0, TILE, TILE);
    c.fillStyle = c.strokeStyle = theme.background;
    HATCH[pattern](c);
    tiles.set(key, tile);
  }
  return tile;
}

const patterns = new WeakMap<CanvasRenderingContext2D, Map<HTMLCanvasElement, CanvasPattern>>();

/** The fill for a worker's cells in the Order strip and its swatch: plain colour, or colour and hatching. */
export function workerFill(ctx: CanvasRenderingContext2D, theme: Theme, worker: number): string | CanvasPattern {
  if (workerLook(worker, theme.highContrast).pattern === 'solid') return workerColor(theme, worker);
  const tile = workerTile(theme, worker);
  let made = patterns.get(ctx);
  if (!made) patterns.set(ctx, (made = new Map()));
  let pattern = made.get(tile);
  if (!pattern) {
    pattern = ctx.createPattern(tile, 'repeat') ?? undefined;
    if (!pattern) return workerColor(theme, worker);
    made.set(tile, pattern);
  }
  return pattern;
}

/**
 * Sets `--interleave-worker-N` on the page for workers 0 … count−1: the image swatches
 * (`workerSwatch`) show, drawn by the same code as the canvas, so they change with the theme.
 */
export function applySwatches(theme: Theme, count: number, root: HTMLElement = document.documentElement): void {
  for (let w = 0; w < count; w++) {
    const swatch = document.createElement('canvas');
    swatch.width = swatch.height = 2 * TILE;
    const c = swatch.getContext('2d')!;
    c.fillStyle = workerFill(c, theme, w);
    c.fillRect(0, 0, 2 * TILE, 2 * TILE);
    root.style.setProperty(`--interleave-worker-${w}`, `url("${swatch.toDataURL()}")`);
  }
}

/** A small square in the worker's colour (and hatching), for lane labels and the event list. */
export function workerSwatch(worker: number): HTMLElement {
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.setAttribute('aria-hidden', 'true');
  swatch.style.backgroundImage = `var(--interleave-worker-${worker})`;
  return swatch;
}
