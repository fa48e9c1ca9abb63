/** Colours for the canvas, read from VS Code's theme variables (dark, light, high contrast). */
export interface Theme {
  foreground: string;
  muted: string;
  background: string;
  laneStripe: string;
  focus: string;
  error: string;
  font: string;
  workers: string[];
  highContrast: boolean;
}

const WORKER_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-charts-foreground',
];

export function readTheme(element: Element = document.body): Theme {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#cccccc');
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    background: v('--vscode-editor-background', '#1e1e1e'),
    laneStripe: v('--vscode-editor-lineHighlightBackground', 'rgba(128,128,128,0.08)'),
    focus: v('--vscode-focusBorder', '#007fd4'),
    error: v('--vscode-errorForeground', v('--vscode-charts-red', '#f14c4c')),
    font: `${v('--vscode-editor-font-size', '12px').replace(/^(\d+)$/, '$1px')} ${v('--vscode-editor-font-family', 'monospace')}`,
    workers: WORKER_VARS.map((name, i) => v(name, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#cca700', foreground][i])),
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

export function workerColor(theme: Theme, worker: number): string {
  return theme.workers[worker % theme.workers.length];
}
