/**
 * The webview page as VS Code hosts it, in a theme: the built bundle, our CSS, the theme's colour
 * variables on the body, and an acquireVsCodeApi that records what the page posts. Shared by the
 * panel tests and the docs screenshots.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EventColumns } from '../../src/shared/columns';
import { traceMessage, type HostToWebview } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';

export const root = path.resolve(__dirname, '..', '..', '..');

export function readTrace(name: string): Trace {
  return JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'traces', name), 'utf8')) as Trace;
}

export interface Theme {
  /** The class VS Code puts on the webview's body. */
  kind: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';
  background: string;
  vars: Record<string, string>;
}

const COMMON = { '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '12px' };

/** Colours of VS Code's Dark Modern, Light Modern and High Contrast themes that the panel reads. */
export const THEMES: Record<'dark' | 'light' | 'highContrast', Theme> = {
  dark: {
    kind: 'vscode-dark',
    background: '#1f1f1f',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-editorLineNumber-activeForeground': '#cccccc',
      '--vscode-widget-border': '#313131',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-errorForeground': '#f85149',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-editorHoverWidget-background': '#202020',
      '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-textBlockQuote-background': '#2b2b2b',
      '--vscode-editor-findMatchHighlightBackground': '#ea5c0055',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f14c4c', '--vscode-charts-orange': '#d18616', '--vscode-charts-blue': '#3794ff', '--vscode-charts-purple': '#b180d7',
    },
  },
  light: {
    kind: 'vscode-light',
    background: '#ffffff',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-editorLineNumber-activeForeground': '#171184',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-errorForeground': '#f85149',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-textBlockQuote-background': '#f8f8f8',
    },
  },
  highContrast: {
    kind: 'vscode-high-contrast',
    background: '#000000',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-editor-background': '#000000',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-list-focusOutline': '#f38518',
      '--vscode-editorLineNumber-activeForeground': '#f38518',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-errorForeground': '#f48771',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-editorHoverWidget-background': '#0c141f',
      '--vscode-editorHoverWidget-border': '#6fc3df',
    },
  },
};

/** VS Code's own default style for webviews pads the body 20 px left and right. */
export function webviewPage(theme: Theme = THEMES.dark): string {
  const vars = Object.entries(theme.vars).map(([k, v]) => `${k}: ${v};`).join(' ');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body { ${vars} background: ${theme.background}; margin: 0; padding: 0 20px; }</style>
<link rel="stylesheet" href="file://${path.join(root, 'media', 'timeline.css')}">
<script>
  window.__posted = [];
  let state;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });
</script></head>
<body class="${theme.kind}"><div id="app"></div><script src="file://${path.join(root, 'dist', 'webview.js')}"></script></body></html>`;
}

/** Posts a host message whose columns are typed arrays: sent as plain arrays, rebuilt in the page. */
export async function postWithColumns(target: Page, message: Extract<HostToWebview, { type: 'trace' }>): Promise<void> {
  const plainOf = (c: EventColumns) => ({ t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text });
  await target.evaluate((m) => {
    type Plain = { t: number[]; worker: number[]; line: number[]; stream: number[]; thread: number[]; textEnd: number[]; text: string };
    const typed = (c: Plain) => ({
      t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line),
      stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text,
    });
    window.postMessage({ ...m, columns: (m.columns as Plain[]).map(typed) }, '*');
  }, { ...message, columns: message.columns.map(plainOf) });
}

/**
 * A new panel `width` px wide in `theme`, showing `trace` once it said ready. `file`: the page,
 * written once by the caller with webviewPage(theme).
 */
export async function openPanel(browser: Browser, file: string, trace: Trace, viewport = { width: 1100, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  await postWithColumns(page, traceMessage(trace, `k-${Math.random()}`));
  await page.locator('body[data-state="done"] .event-row').first().waitFor();
  return page;
}

export const posted = (target: Page) => target.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
