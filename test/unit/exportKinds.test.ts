import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EXPORT_KINDS, exportFileName, type ExportKind, type ExportSource } from '../../src/export/exportKinds';
import type { ImageFormat } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';
import { assertWellFormed, type ChromeFile } from '../chromeTraceRules';

const root = path.resolve(__dirname, '..', '..', '..');
const trace = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'traces', 'canonical.json'), 'utf8')) as Trace;
const asked: ImageFormat[] = [];
const source: ExportSource = {
  trace,
  image: async (format) => {
    asked.push(format);
    return new TextEncoder().encode(`image as ${format}`);
  },
};
const kind = (label: string): ExportKind => EXPORT_KINDS.find((k) => k.label === label)!;
const text = async (label: string) => Buffer.from(await kind(label).content(source)).toString('utf8');

test('Export… offers the trace, the report, the Chrome trace and two images, each with its own file name', () => {
  assert.deepEqual(EXPORT_KINDS.map((k) => k.label), ['Trace (JSON)', 'HTML report', 'Chrome trace', 'Image (PNG)', 'Image (SVG)']);
  assert.deepEqual(EXPORT_KINDS.map((k) => exportFileName(trace, k)), ['print_numbers.interleave.json', 'print_numbers.html', 'print_numbers.chrome.json', 'print_numbers.png', 'print_numbers.svg']);
  for (const k of EXPORT_KINDS) assert.ok(k.filter.extensions.some((e) => k.suffix.endsWith(`.${e}`)), `${k.label}: the filter admits the name`);
  assert.equal(exportFileName({ ...trace, target: { ...trace.target, function: null } }, kind('Image (PNG)')), 'selection.png');
});

test('the trace export is the trace itself; the report embeds it; the Chrome trace is well formed', async () => {
  assert.deepEqual(JSON.parse(await text('Trace (JSON)')), trace);
  const html = await text('HTML report');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('<script id="interleave-trace" type="application/json">'));
  assert.ok(html.includes('"Number: 4"'));
  const chrome = JSON.parse(await text('Chrome trace')) as ChromeFile;
  assertWellFormed(chrome);
  assert.equal(chrome.traceEvents.filter((e) => e.ph === 'i').length, 30);
});

test('the images are what the webview draws, in the format picked', async () => {
  assert.equal(await text('Image (PNG)'), 'image as png');
  assert.equal(await text('Image (SVG)'), 'image as svg');
  assert.deepEqual(asked, ['png', 'svg']);
});
