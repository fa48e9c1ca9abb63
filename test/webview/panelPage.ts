/**
 * The webview page as VS Code hosts it, in a theme: the built bundle, our CSS, the theme's colour
 * variables on the body, and an acquireVsCodeApi that records what the page posts; the page in
 * headless Chromium (startPanelPage), and the host's messages posted into it. Shared by the
 * webview tests and the docs screenshots.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EventColumns } from '../../src/shared/columns';
import { traceMessage, type HostToWebview } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';
import { launchBrowser } from '../e2e/codeServer';

export const root = path.resolve(__dirname, '..', '..', '..');
/** Where the webview tests leave screenshots and exports to look at. */
export const results = path.join(root, 'test-results');

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

/**
 * Posts a host message whose `columns` (one or a list) are typed arrays: they go across as plain
 * arrays and are rebuilt in the page, so the webview receives exactly what the host posts.
 */
export async function postWithColumns(target: Page, message: Extract<HostToWebview, { columns: unknown }>): Promise<void> {
  const plainOf = (c: EventColumns) => ({
    t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text,
    ...(c.files ? { files: { index: [...c.files.index], paths: c.files.paths } } : {}),
  });
  const plain = { ...message, columns: Array.isArray(message.columns) ? message.columns.map(plainOf) : plainOf(message.columns) };
  await target.evaluate((m) => {
    type Plain = { t: number[]; worker: number[]; line: number[]; stream: number[]; thread: number[]; textEnd: number[]; text: string; files?: { index: number[]; paths: string[] } };
    const typed = (c: Plain) => ({
      t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line),
      stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text,
      ...(c.files ? { files: { index: Uint16Array.from(c.files.index), paths: c.files.paths } } : {}),
    });
    const columns = Array.isArray(m.columns) ? (m.columns as Plain[]).map(typed) : typed(m.columns as Plain);
    window.postMessage({ ...m, columns }, '*');
  }, plain);
}

/** Posts the host's trace message for `trace` under `key`. */
export function postTrace(target: Page, key: string, trace: Trace): Promise<void> {
  return postWithColumns(target, traceMessage(trace, key));
}

/** Posts a host message (plain JSON: no typed arrays in it). */
export async function post(target: Page, message: HostToWebview): Promise<void> {
  await target.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
}

/**
 * A new panel `width` px wide in `theme`, showing `trace` once it said ready. `file`: the page,
 * written once by the caller with webviewPage(theme).
 */
export async function openPanel(browser: Browser, file: string, trace: Trace, viewport = { width: 1100, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`file://${file}`);
  await readyPage(page);
  await postTrace(page, `k-${Math.random()}`, trace);
  await page.locator('body[data-state="done"] .event-row').first().waitFor();
  return page;
}

/** What the webview has posted to the host so far. */
export function posted(target: Page): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return target.evaluate(() => (window as unknown as { __posted: Array<{ type: string } & Record<string, unknown>> }).__posted);
}

/** Until the page said ready (its first message to the host). */
export async function readyPage(target: Page): Promise<void> {
  await target.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
}

/** Headless Chromium as the webview tests run it (the e2e tests' arguments). */
export const launchChromium = launchBrowser;

/** A test file's page and browser: `html` written to a temp folder, Chromium started; `close` ends both. */
export interface PanelPage {
  browser: Browser;
  /** The temp folder the page is in: a test may write more files there. */
  dir: string;
  /** The page's file, for openPanel or page.goto. */
  file: string;
  close(): Promise<void>;
}

/**
 * The before() of a webview test file: the page (`html`, by default webviewPage in Dark Modern) in a
 * temp folder, the results folder, and Chromium. Pass the result's close to after().
 */
export async function startPanelPage(html: string = webviewPage(THEMES.dark)): Promise<PanelPage> {
  fs.mkdirSync(results, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-webview-'));
  const file = path.join(dir, 'webview.html');
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.writeFileSync(file, html);
    const browser = await launchChromium();
    return { browser, dir, file, close: async () => { await browser.close(); removeDir(); } };
  } catch (e) {
    removeDir();
    throw e;
  }
}
