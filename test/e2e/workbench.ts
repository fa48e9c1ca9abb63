/** What a user does in the workbench, as Playwright steps (selectors verified on VS Code 1.100). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { root } from './codeServer';

export const shots = path.join(root, 'test-results', 'e2e');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

export async function openFile(page: Page, name: string): Promise<void> {
  // Quick Open, as a user with many files does: the Explorer's list is virtual, a row below the
  // fold is not in the page at all
  await leaveWebview(page);
  await page.keyboard.press('F1'); // the palette; without its ">" it opens files
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.editor-instance .monaco-editor[data-uri$="${name}"]`).waitFor();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  // The language must be known before the context menu's `editorLangId == python` holds.
  await page.locator('.statusbar-item[id="status.editor.mode"]', { hasText: 'Python' }).waitFor({ timeout: 30_000 });
}

/**
 * The extension's menus and CodeLens appear only once the extension host has registered it, a
 * few seconds after the workbench: wait for our CodeLens in the open Python file.
 */
export async function waitForInterleave(page: Page): Promise<void> {
  await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run concurrently' }).first().waitFor({ timeout: 60_000 });
}

/** The editor's line `text` (first match), for clicking into. */
export function editorLine(page: Page, name: string, text: string) {
  return page.locator(`.editor-instance .monaco-editor[data-uri$="${name}"] .view-lines .view-line`, { hasText: text }).first();
}

export async function cursorLine(page: Page): Promise<number> {
  const text = (await page.locator('.statusbar-item[id="status.editor.selection"]').textContent()) ?? '';
  return Number((/Ln (\d+)/.exec(text) ?? [])[1] ?? NaN);
}

/**
 * The text editor's cursor is on `line`: the status bar says so, or — when the focus stayed in
 * the webview that was clicked (the status bar then shows no editor items) — the editor's
 * gutter marks that line as the cursor's.
 */
export async function waitForCursorLine(page: Page, line: number): Promise<void> {
  const status = page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: new RegExp(`Ln ${line},`) });
  const gutter = page.locator('.monaco-editor .margin .line-numbers.active-line-number', { hasText: new RegExp(`^\\s*${line}\\s*$`) });
  await status.or(gutter).first().waitFor({ timeout: 20_000 });
}

/** The timeline webview's document (iframe .webview → #active-frame). */
export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** Keys pressed in a webview stay there (F1 too): focus the workbench first, on the side bar's title. */
async function leaveWebview(page: Page): Promise<void> {
  await page.locator('.part.sidebar .composite.title').first().click();
}

export async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  await leaveWebview(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // click the row itself: Enter would take the focused row, which may be a recently used other one
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

/** A fresh editor on `file`, the cursor on the line holding `lineText`, then Run Concurrently (or `command`) from the palette. */
export async function runFromPaletteAt(page: Page, file: string, lineText: string, command = 'Interleave: Run Concurrently'): Promise<void> {
  await closeAllEditors(page);
  await openFile(page, file);
  await editorLine(page, file, lineText).click();
  await runCommandFromPalette(page, command);
}

export async function closeAllEditors(page: Page): Promise<void> {
  await runCommandFromPalette(page, 'View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

/** Events per model in the webview's event list. */
export async function eventsPerModel(frame: FrameLocator): Promise<Record<string, string[]>> {
  const rows = frame.locator('.event-row');
  const models = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-model') ?? '', e.querySelector('.text')?.textContent ?? '']));
  const out: Record<string, string[]> = {};
  for (const [model, text] of models) (out[model] ??= []).push(text);
  return out;
}
