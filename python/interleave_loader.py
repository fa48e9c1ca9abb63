"""Load a user's Python file as a module without running its script part.

Imports, definitions and assignments run; top-level calls, loops, ``with`` blocks and the
``if __name__ == "__main__":`` block do not. Used by the harness in the parent and in every
child process, whatever the start method, so all workers see the same module.
"""
import ast
import os
import sys
import textwrap
import types

# Statements that define things rather than do things.
_KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
         ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Global, ast.Pass)
if hasattr(ast, "TypeAlias"):
    _KEEP = _KEEP + (ast.TypeAlias,)
_TRY = tuple(getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))


class LoadError(Exception):
    """A problem with the user's file that the user must fix; ``kind`` names which."""

    def __init__(self, kind, message, line=None, col=None, traceback_text=None, problem=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.col = col
        self.traceback_text = traceback_text
        # what is wrong, without the CLI's words around it (the editor words it its own way)
        self.problem = problem

    def to_json(self):
        return {"kind": self.kind, "message": self.message, "line": self.line,
                "col": self.col, "traceback": self.traceback_text, "problem": self.problem}


def _is_main_guard(test):
    """True for ``__name__ == "__main__"`` (either side)."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return bool(names) and bool(consts)


def _is_docstring(node):
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


# Top-level calls that set things up rather than do the script's work: kept, so that a module
# configured with them behaves as it does when run (logging handlers, the import path, seeds).
_SETUP_MODULES = {"logging", "warnings"}
_SETUP_CALLS = {("sys", "path"), ("sys", "setrecursionlimit"), ("random", "seed"),
                ("os", "environ")}
_SETUP_METHODS = {"addHandler", "setLevel", "setFormatter", "addFilter", "basicConfig",
                  "dictConfig", "fileConfig", "captureWarnings"}


def _dotted(node):
    """["sys", "path", "insert"] for sys.path.insert; None when it is not a plain dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _is_setup_call(node):
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    name = _dotted(node.value.func)
    if not name or len(name) < 2:
        return False
    return (name[0] in _SETUP_MODULES or tuple(name[:2]) in _SETUP_CALLS
            or name[-1] in _SETUP_METHODS)


def _filter_body(body, skipped):
    kept = []
    for node in body:
        if isinstance(node, _KEEP) or _is_docstring(node) or _is_setup_call(node):
            kept.append(node)
        elif isinstance(node, ast.If):
            if _is_main_guard(node.test):
                skipped.append(node.lineno)
                node.body = [ast.copy_location(ast.Pass(), node)]
                node.orelse = _filter_body(node.orelse, skipped)
                if not node.orelse:
                    continue
            else:
                node.body = _filter_body(node.body, skipped) or [ast.copy_location(ast.Pass(), node)]
                node.orelse = _filter_body(node.orelse, skipped)
            kept.append(node)
        elif isinstance(node, _TRY):
            node.body = _filter_body(node.body, skipped) or [ast.copy_location(ast.Pass(), node)]
            for handler in node.handlers:
                handler.body = _filter_body(handler.body, skipped) or [ast.copy_location(ast.Pass(), handler)]
            node.orelse = _filter_body(node.orelse, skipped)
            node.finalbody = _filter_body(node.finalbody, skipped)
            kept.append(node)
        else:
            skipped.append(node.lineno)
    return kept


def read_source(source_path):
    with open(source_path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoadError("encoding", "the file is not valid UTF-8 (%s)" % e)


def parse(source, display_file):
    try:
        return ast.parse(source, filename=display_file)
    except SyntaxError as e:
        col = e.offset if e.offset is not None else None
        raise LoadError("syntax", "%s:%s:%s: SyntaxError: %s" % (display_file, e.lineno, col, e.msg),
                        line=e.lineno, col=col)


def _params(args):
    positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
    n_required = len(positional) - len(args.defaults)
    names = [a.arg for a in positional]
    required = names[:n_required]
    names += [a.arg for a in args.kwonlyargs]
    required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return names, required


def list_functions(tree):
    """Top-level functions, with the lines they span and the parameters they need."""
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names, required = _params(node.args)
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out.append({"name": node.name, "line": node.lineno, "startLine": first,
                        "endLine": getattr(node, "end_lineno", node.lineno),
                        "params": names, "required": required,
                        "isAsync": isinstance(node, ast.AsyncFunctionDef)})
    return out


def module_name_for(display_file):
    stem = os.path.splitext(os.path.basename(display_file))[0]
    return stem if stem.isidentifier() else "interleave_user_module"


def load_module(source_path, display_file):
    """Execute the script-free part of the file as module ``<stem>``; returns (module, skipped lines)."""
    name = module_name_for(display_file)
    existing = sys.modules.get(name)
    if existing is not None and getattr(existing, "__interleave_loaded__", False):
        return existing, existing.__interleave_skipped__  # a forked child inherits it
    source = read_source(source_path)
    tree = parse(source, display_file)
    skipped = []
    tree.body = _filter_body(tree.body, skipped)
    code = compile(tree, display_file, "exec")
    module = types.ModuleType(name)
    module.__file__ = display_file
    module.__interleave_loaded__ = True
    module.__interleave_skipped__ = skipped
    sys.modules[name] = module
    folder = os.path.dirname(os.path.abspath(display_file))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        exec(code, module.__dict__)
    except BaseException as e:  # the user's import failed: report it as theirs
        del sys.modules[name]
        import traceback
        raise LoadError("import", "importing %s failed: %s: %s" % (os.path.basename(display_file),
                                                                  type(e).__name__, e),
                        line=_user_line(e, display_file),
                        traceback_text="".join(traceback.format_exception(type(e), e, e.__traceback__)))
    return module, skipped


def _user_line(exc, display_file):
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == display_file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def compile_snippet(text, first_line, display_file):
    """A selection of statements, compiled so that line numbers are those of the file."""
    body = textwrap.dedent(text)
    try:
        tree = ast.parse(body, filename=display_file)
    except SyntaxError as e:
        line = (e.lineno or 1) + first_line - 1
        raise LoadError("syntax", "%s:%s:%s: SyntaxError in the selection: %s"
                        % (display_file, line, e.offset, e.msg), line=line, col=e.offset)
    ast.increment_lineno(tree, first_line - 1)
    return compile(tree, display_file, "exec")


def args_syntax_problem(expr):
    """Why ``expr`` is not call-argument syntax (as inside ``f(...)``), in Python's words with the
    column, or None. Only parses: nothing is evaluated, so the editor can ask before a run."""
    try:
        call = ast.parse("_(%s)" % expr, mode="eval")
    except SyntaxError as e:
        where = ""
        if e.lineno == 1 and e.offset:
            where = " (column %d)" % max(1, min(len(expr), e.offset - 2))  # 2: the "_(" around it
        return e.msg + where
    body = call.body
    # "a)(b" or "a), (b" would parse around our brackets: only one call of _ is arguments
    if not (isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == "_"):
        return "the brackets do not hold one list of arguments"
    return None


def parse_args(expr, namespace):
    """Evaluate call-argument syntax (``"bob", times=3``) in the module's namespace."""
    if not expr or not expr.strip():
        return (), {}
    problem = args_syntax_problem(expr)
    if problem:
        raise LoadError("args", "--args is not valid call-argument syntax: %s (%r)" % (problem, expr),
                        problem=problem)
    collect = "(lambda *a, **k: (a, k))(%s)" % expr
    try:
        return eval(compile(collect, "<--args>", "eval"), dict(namespace))
    except Exception as e:
        raise LoadError("args", "evaluating --args %r failed: %s: %s" % (expr, type(e).__name__, e),
                        problem="%s: %s" % (type(e).__name__, e))
