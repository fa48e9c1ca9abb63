/**
 * The lines a skipped top-level statement covers. The trace names the first line of each
 * statement Interleave did not run (`target.skippedLines`); the editor dims the whole statement:
 * its bracketed or backslash-continued lines, a triple-quoted string in it, and its indented body
 * (the `if __name__ == "__main__":` block, a loop) — not the blank and comment lines after it.
 * Pure (no vscode), so it is tested on its own.
 */

/** 1-based, inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/** What is still open at the end of a line: brackets, a triple-quoted string, a backslash. */
interface Open {
  depth: number;
  triple: '"""' | "'''" | null;
  backslash: boolean;
}

/** Carries `open` across one line of Python (strings and comments do not count their brackets). */
function scan(text: string, open: Open): Open {
  let { depth, triple } = open;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (triple) {
      if (text.startsWith(triple, i)) {
        i += 2;
        triple = null;
      } else if (c === '\\') i++;
    } else if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '#') break;
    else if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      triple = text.slice(i, i + 3) as '"""' | "'''";
      i += 2;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
  }
  return { depth, triple, backslash: !triple && /\\\s*$/.test(text) };
}

const indentOf = (text: string) => text.length - text.trimStart().length;
const isBlankOrComment = (text: string) => /^\s*(#.*)?$/.test(text);

/** The statement starting on line `first` (1-based) of `lines`: its last line. */
function statementEnd(lines: readonly string[], first: number): number {
  const indent = indentOf(lines[first - 1]);
  let open = scan(lines[first - 1], { depth: 0, triple: null, backslash: false });
  let end = first;
  for (let k = first + 1; k <= lines.length; k++) {
    const text = lines[k - 1];
    const continued = open.depth > 0 || open.triple !== null || open.backslash;
    if (!continued && isBlankOrComment(text)) continue;
    if (!continued && indentOf(text) <= indent) break;
    open = scan(text, open);
    end = k;
  }
  return end;
}

/** The ranges to dim for `skipped` first lines in a document of `lines` (lines beyond it are ignored). */
export function skippedRanges(lines: readonly string[], skipped: readonly number[]): LineRange[] {
  const ranges: LineRange[] = [];
  for (const first of [...new Set(skipped)].sort((a, b) => a - b)) {
    if (first < 1 || first > lines.length) continue;
    const last = ranges.at(-1);
    if (last && first <= last.end) continue; // inside a statement already dimmed
    ranges.push({ start: first, end: statementEnd(lines, first) });
  }
  return ranges;
}
