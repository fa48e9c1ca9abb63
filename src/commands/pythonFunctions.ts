/** Top-level `def` / `async def` at column 0 — cheap enough for CodeLens on every edit (no Python process). */
const TOP_LEVEL_DEF = /^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*[([]/;

/** Functions defined at the top level of a Python source text, with their 0-based line. */
export function topLevelFunctions(text: string): Array<{ name: string; line: number }> {
  const out: Array<{ name: string; line: number }> = [];
  let inString: string | null = null;
  text.split(/\r?\n/).forEach((line, i) => {
    // Skip lines inside a top-level triple-quoted string (a docstring that shows `def x(`).
    const quotes = line.match(/"""|'''/g);
    if (inString === null) {
      const m = TOP_LEVEL_DEF.exec(line);
      if (m) out.push({ name: m[1], line: i });
    }
    for (const q of quotes ?? []) inString = inString === null ? q : inString === q ? null : inString;
  });
  return out;
}

/**
 * The top-level function whose body holds 0-based `line`, by the same cheap scan: the last `def`
 * at or above it, with nothing at column 0 in between (a top-level statement ends a body).
 */
export function functionContaining(text: string, line: number): string | undefined {
  const def = topLevelFunctions(text).filter((d) => d.line <= line).at(-1);
  if (!def) return undefined;
  const lines = text.split(/\r?\n/);
  for (let i = def.line + 1; i <= line && i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() && !/^[ \t)\]#]/.test(l)) return undefined;
  }
  return def.name;
}
