/**
 * The codebase's shape, measured with the project's own TypeScript compiler and Python's ast:
 * no function over 80 lines (TypeScript and the harness), and no import cycle among source files
 * (type-only imports count: a cycle of types is still two files that must change together).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..');
const MAX_LINES = 80;
const SOURCE_DIRS = ['src', 'webview-ui/src'];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

const files = SOURCE_DIRS.flatMap(tsFiles);
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, fs.readFileSync(path.join(root, f), 'utf8'), ts.ScriptTarget.Latest, true)]));

function functionName(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText();
  if (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent)) return node.parent.name.getText();
  return '(anonymous)';
}

test(`no TypeScript function is longer than ${MAX_LINES} lines`, () => {
  const long: string[] = [];
  for (const [file, source] of parsed) {
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (end - start + 1 > MAX_LINES) long.push(`${file}:${start + 1} ${functionName(node)} (${end - start + 1} lines)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(long, []);
});

test(`no function of the Python harness is longer than ${MAX_LINES} lines`, () => {
  const script = `
import ast, pathlib, sys
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.py")):
    for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > ${MAX_LINES}:
            print(f"{p.name}:{n.lineno} {n.name} ({n.end_lineno - n.lineno + 1} lines)")
`;
  const r = spawnSync(process.env.INTERLEAVE_TEST_PYTHON ?? 'python3', ['-c', script, path.join(root, 'python')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), []);
});

/** The relative imports of a file (value and type-only), resolved to source files. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const statement of parsed.get(file)!.statements) {
    const spec = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const base = path.join(path.dirname(file), spec.text);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => parsed.has(f));
    if (target) out.push(target);
  }
  return out;
}

/** Strongly connected components of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const strong = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return found;
}

test('no import cycle among source files (type-only imports included)', () => {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  assert.ok([...graph.values()].some((targets) => targets.length > 0), 'the import graph was read');
  assert.deepEqual(cycles(graph), []);
});

test('no import cycle among the Python harness modules (the imports that run when a module is imported)', () => {
  // an import inside a function runs when it is called: the harness defers some on purpose (the watchdog, multiprocessing)
  const script = `
import ast, json, pathlib, sys
here = pathlib.Path(sys.argv[1])
names = {p.stem for p in here.glob("*.py")}
def imported(body):
    for n in body:
        if isinstance(n, ast.Import):
            yield from (a.name for a in n.names)
        elif isinstance(n, ast.ImportFrom) and n.level == 0:
            yield n.module
        elif not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from imported(getattr(n, field, []))
graph = {p.stem: sorted({m for m in imported(ast.parse(p.read_text(encoding="utf-8")).body) if m in names})
         for p in sorted(here.glob("*.py"))}
print(json.dumps(graph))
`;
  const r = spawnSync(process.env.INTERLEAVE_TEST_PYTHON ?? 'python3', ['-c', script, path.join(root, 'python')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const graph = new Map(Object.entries(JSON.parse(r.stdout) as Record<string, string[]>));
  assert.ok((graph.get('interleave_locks') ?? []).length > 0, 'the import graph was read');
  assert.deepEqual(cycles(graph), []);
});
