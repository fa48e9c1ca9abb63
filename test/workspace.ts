import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh workspace folder with the examples and the fixtures (the tests never touch the repo's). */
export function makeWorkspace(root = path.resolve(__dirname, '..', '..')): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'interleave-ws-'));
  for (const from of ['examples', path.join('test', 'fixtures')]) {
    for (const name of fs.readdirSync(path.join(root, from))) {
      if (name.endsWith('.py')) fs.copyFileSync(path.join(root, from, name), path.join(folder, name));
    }
  }
  return folder;
}
