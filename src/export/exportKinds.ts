/**
 * What the panel's Export… offers, and how each file is made — without vscode, so that the table
 * is tested on its own. Images come from the webview (only it knows what it shows).
 */
import { reportHtml } from '../report/html';
import type { ImageFormat } from '../shared/protocol';
import type { Trace } from '../shared/trace';
import { traceJsonChunks } from '../shared/traceJson';
import { chromeTraceChunks } from './chromeTrace';

/** What an export is made from: the shown trace (with its events) and the view's image. */
export interface ExportSource {
  trace: Trace;
  image(format: ImageFormat): Promise<Uint8Array>;
}

export interface ExportKind {
  label: string;
  description: string;
  /** For messages: "the Chrome trace". */
  what: string;
  /** The default file name is the function's name and this. */
  suffix: string;
  /** The save dialog's filter. */
  filter: { name: string; extensions: string[] };
  content(source: ExportSource): Promise<Uint8Array>;
}

function bytesOf(chunks: Iterable<string | Uint8Array>): Uint8Array {
  return Buffer.concat([...chunks].map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

export const EXPORT_KINDS: readonly ExportKind[] = [
  {
    label: 'Trace (JSON)', description: 'interleave.trace/1, as the CLI writes with --json', what: 'the trace',
    suffix: '.interleave.json', filter: { name: 'Interleave trace', extensions: ['json'] }, content: async (s) => bytesOf(traceJsonChunks(s.trace)),
  },
  {
    label: 'HTML report', description: 'one self-contained file that opens offline', what: 'the HTML report',
    suffix: '.html', filter: { name: 'HTML', extensions: ['html'] }, content: async (s) => Buffer.from(reportHtml(s.trace)),
  },
  {
    label: 'Chrome trace', description: 'Trace Event JSON for Perfetto (ui.perfetto.dev) and chrome://tracing', what: 'the Chrome trace',
    suffix: '.chrome.json', filter: { name: 'Chrome trace', extensions: ['json'] }, content: async (s) => bytesOf(chromeTraceChunks(s.trace)),
  },
  {
    label: 'Image (PNG)', description: 'what the view shows', what: 'the PNG image',
    suffix: '.png', filter: { name: 'PNG image', extensions: ['png'] }, content: (s) => s.image('png'),
  },
  {
    label: 'Image (SVG)', description: 'what the view shows, its text and axis as vectors', what: 'the SVG image',
    suffix: '.svg', filter: { name: 'SVG image', extensions: ['svg'] }, content: (s) => s.image('svg'),
  },
];

/** The file name offered: `print_numbers.chrome.json`. */
export function exportFileName(trace: Trace, kind: ExportKind): string {
  return `${trace.target.function ?? (trace.target.script ? 'script' : 'selection')}${kind.suffix}`;
}
