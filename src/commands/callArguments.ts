/**
 * A call's arguments as the user types them into the arguments box ("bob", times=3): a quick
 * check on every keystroke (no Python: starting one per key is too slow), and the messages the
 * box and the panel show. The check is advice; Python's own parser has the last word on Enter.
 */

/** One home for what the editor says about arguments (the CLI words them as --args). */
export const ARGS_MESSAGES = {
  syntax: (problem: string) => `Not valid Python call arguments: ${problem}`,
  evaluation: (problem: string) => `The arguments failed when evaluated in the module: ${problem}`,
  missing: (fn: string, required: readonly string[]) => `${fn} needs arguments for: ${required.join(', ')}.`,
  /** Under the arguments box, which stays open. */
  inBox: (message: string) => `${message}. Fix them, or press Escape to cancel.`,
  /** In the panel, when the run stopped at them. */
  inPanel: (message: string) => `${message} — nothing ran. Run the function again with other arguments.`,
};

const OPEN = '([{';
const CLOSE = ')]}';

/**
 * What is wrong with `text` as a call's arguments, in Python's words where it has them, or null
 * when nothing obvious is: brackets that do not match, a string left open, an argument
 * missing between commas, `name=` with no value, an operator with nothing after it, a positional
 * argument after a keyword one.
 */
export function quickArgumentsProblem(text: string): string | null {
  const args: string[] = [];
  const open: Array<{ bracket: string; col: number }> = [];
  let current = '';
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    const end = stringEnd(text, i);
    if (end !== null) {
      if (end < 0) return `unterminated string literal (column ${i + 1})`;
      current += '""'; // its content cannot open a bracket or end an argument
      i = end;
      continue;
    }
    if (ch === '#') break; // a comment, to the end of the text
    if (OPEN.includes(ch)) open.push({ bracket: ch, col: i + 1 });
    else if (CLOSE.includes(ch)) {
      const last = open.pop();
      if (!last) return `unmatched '${ch}' (column ${i + 1})`;
      if (OPEN.indexOf(last.bracket) !== CLOSE.indexOf(ch)) return `closing parenthesis '${ch}' does not match opening parenthesis '${last.bracket}' (column ${i + 1})`;
    } else if (ch === ',' && open.length === 0) {
      args.push(current);
      current = '';
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  if (open.length) return `'${open[open.length - 1].bracket}' was never closed (column ${open[open.length - 1].col})`;
  args.push(current);
  return argumentListProblem(args);
}

/** Where the string literal starting at `i` ends (the index after it; -1: it does not), or null when none starts there. */
function stringEnd(text: string, i: number): number | null {
  const m = /^([rRbBuUfFtT]{0,2})('''|"""|'|")/.exec(text.slice(i, i + 5));
  if (!m || (m[1] && i > 0 && /[\p{ID_Continue}]/u.test(text[i - 1]))) return null; // a prefix is not the end of a name
  const quote = m[2];
  for (let j = i + m[0].length; j < text.length; j++) {
    if (text[j] === '\\') j++; // an escaped character (in raw strings too, a backslash keeps the quote in)
    else if (text.startsWith(quote, j)) return j + quote.length;
    else if (text[j] === '\n' && quote.length === 1) return -1;
  }
  return -1;
}

const KEYWORD = /^(\p{ID_Start}[\p{ID_Continue}]*)\s*=(?!=)([\s\S]*)$/u;
/** A binary operator (or `.`, but not `...` or `1.`) or a keyword that needs something after it. */
const DANGLING = /(?:[-+*/%&|^<>=@~]|(?<![.\d])\.|\b(?:and|or|not|in|is|if|else|lambda))$/;

function argumentListProblem(args: string[]): string | null {
  if (args.length > 1 && !args[args.length - 1].trim()) args.pop(); // f(a, b,) is fine
  let keyword = false;
  let unpacked = false;
  for (const raw of args) {
    const arg = raw.trim();
    if (!arg) return args.length === 1 ? null : 'an argument is missing between two commas';
    const kw = KEYWORD.exec(arg);
    const value = kw ? kw[2].trim() : arg.replace(/^\*\*?/, '').trim();
    if (!value) return kw ? `${kw[1]}= needs a value` : `'${arg}' needs something to unpack after it`;
    if (DANGLING.test(value)) return `'${arg}' is not complete: nothing follows its last operator`;
    if (kw) keyword = true;
    else if (arg.startsWith('**')) unpacked = true;
    else if (!arg.startsWith('*') && (keyword || unpacked)) return unpacked ? 'positional argument follows keyword argument unpacking' : 'positional argument follows keyword argument';
  }
  return null;
}
