/** The Trace Event Format's rules, checked on every Chrome trace the tests make (unit and engine). */
import assert from 'node:assert/strict';
import type { ChromeEvent } from '../src/export/chromeTrace';

export interface ChromeFile {
  traceEvents: ChromeEvent[];
  displayTimeUnit?: string;
  metadata?: Record<string, unknown>;
}

/** The exact decimal of ns / 1000, as the file should spell it (no binary rounding on the way). */
export function microsText(ns: number): string {
  const whole = Math.floor(ns / 1000);
  const frac = String(ns % 1000).padStart(3, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** The Trace Event Format's rules every file we write must keep. */
export function assertWellFormed(file: ChromeFile): void {
  assert.ok(Array.isArray(file.traceEvents));
  const named = new Set<string>();
  const namedPids = new Set<number>();
  for (const e of file.traceEvents) {
    assert.ok(['M', 'X', 'i'].includes(e.ph), `phase ${e.ph}`);
    for (const key of ['pid', 'tid', 'ts'] as const) assert.ok(Number.isFinite(e[key]), `${key} of ${JSON.stringify(e)}`);
    assert.equal(typeof e.name, 'string');
    if (e.ph === 'X') assert.ok(Number.isFinite(e.dur) && e.dur! >= 0, `dur of ${JSON.stringify(e)}`);
    if (e.ph === 'i') assert.equal(e.s, 't', 'instants are on their thread');
    if (e.ph === 'M' && e.name === 'thread_name') named.add(`${e.pid}/${e.tid}`);
    if (e.ph === 'M' && e.name === 'process_name') namedPids.add(e.pid);
    if (e.ph === 'M') assert.equal(typeof e.args?.name === 'string' || typeof e.args?.sort_index === 'number', true);
  }
  for (const e of file.traceEvents.filter((x) => x.ph !== 'M')) {
    assert.ok(namedPids.has(e.pid), `process ${e.pid} is named`);
    assert.ok(named.has(`${e.pid}/${e.tid}`), `thread ${e.pid}/${e.tid} is named`);
  }
}

