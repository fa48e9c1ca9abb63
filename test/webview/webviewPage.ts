/** The built webview in a page as VS Code hosts it, and the host's messages posted into it. */
import { chromium, type Browser, type Page } from 'playwright-core';
import type { EventColumns } from '../../src/shared/columns';
import { traceMessage, type HostToWebview } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';

export { root } from './panelPage';

/** Headless Chromium as the webview tests run it. */
export function launchChromium(): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

/** The webview page (Dark Modern): one home for the page, in panelPage. */
export { webviewPage } from './panelPage';

/** What the webview has posted to the host so far. */
export function posted(page: Page): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as { __posted: Array<{ type: string } & Record<string, unknown>> }).__posted);
}

/** Posts a host message (plain JSON: no typed arrays in it). */
export async function post(page: Page, message: HostToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
}

/** Posts the host's trace message: its typed columns go across as plain arrays and are rebuilt in the page. */
export async function postTrace(page: Page, key: string, trace: Trace): Promise<void> {
  const message = traceMessage(trace, key);
  const plainOf = (c: EventColumns) => ({ t: [...c.t], worker: [...c.worker], line: [...c.line], stream: [...c.stream], thread: [...c.thread], textEnd: [...c.textEnd], text: c.text });
  await page.evaluate((m) => {
    type Plain = { t: number[]; worker: number[]; line: number[]; stream: number[]; thread: number[]; textEnd: number[]; text: string };
    const columns = (m.columns as Plain[]).map((c) => ({
      t: Float64Array.from(c.t), worker: Uint16Array.from(c.worker), line: Int32Array.from(c.line),
      stream: Uint8Array.from(c.stream), thread: Uint8Array.from(c.thread), textEnd: Uint32Array.from(c.textEnd), text: c.text,
    }));
    window.postMessage({ ...m, columns }, '*');
  }, { ...message, columns: message.columns.map(plainOf) });
}
