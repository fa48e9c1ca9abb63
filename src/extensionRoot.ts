import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder at or above `from` that holds `relative` — the extension's root, wherever the running
 * bundle sits (dist/ when installed, out/src/… in tests). Undefined when there is none.
 */
export function findAbove(relative: string, from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, relative))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
