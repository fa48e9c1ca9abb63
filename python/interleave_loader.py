"""Load a user's Python file as a module without running its script part.

Imports, definitions and assignments run; top-level calls, loops, ``with`` blocks and the
``if __name__ == "__main__":`` block do not. Used by the harness in the parent and in every
child process, whatever the start method, so all workers see the same module.
"""
import ast
import io
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


def read_source(source_path, display_file=None):
    """The file's text, decoded as Python itself decodes a source file: by its BOM, else its
    PEP 263 coding line, else as UTF-8. Our copy of an editor's unsaved text (a `source_path`
    that is not `display_file`) is UTF-8 whatever its coding line says: the editor decoded it."""
    with open(source_path, "rb") as f:
        data = f.read()
    name = os.path.basename(display_file or source_path)
    fix = "save it as UTF-8, or name its encoding in a coding line (# -*- coding: latin-1 -*-, PEP 263)"
    if display_file is not None and os.path.abspath(source_path) != os.path.abspath(display_file):
        encoding = "utf-8-sig"
    elif any(b"coding" in line for line in data.split(b"\n", 2)[:2]):
        import tokenize  # ≈ 2 ms of regexes: only for a file that may have a coding line
        try:
            encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        except SyntaxError as e:  # an unknown encoding, a BOM that contradicts the coding line
            raise LoadError("encoding", "%s: %s; %s" % (name, e.msg, fix))
    else:
        encoding = "utf-8-sig"  # UTF-8, less a BOM if there is one
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise LoadError("encoding", "%s is not valid %s (byte %d: %s); %s"
                        % (name, encoding.replace("-sig", ""), e.start, e.reason, fix))


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
    source = read_source(source_path, display_file)
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


# How much of a long --args a message shows: the message stays one readable line.
_ARGS_SHOWN = 60
_COLLECT = "__interleave_collect__"
# What parsing or compiling pathological input raises besides SyntaxError (deep nesting).
_TOO_COMPLEX = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)


def _shown(expr):
    return repr(expr if len(expr) <= _ARGS_SHOWN else expr[:_ARGS_SHOWN] + "...")


def _not_call_arguments(expr, why):
    return LoadError("args", "--args is not valid call-argument syntax: %s (%s); write them as inside "
                     "f(...), e.g. --args '\"bob\", times=3'" % (why, _shown(expr)), problem=why)


def _collecting_code(expr):
    """(code that evaluates to ``(args, kwargs)``, None), or (None, why ``expr`` is not the
    arguments of one call, in Python's words with the column where it has one).

    The text must be exactly the arguments of one call: parsed as ``_(EXPR)``, whose tree must be
    that one call to ``_``; the arguments are then evaluated from the tree, never by pasting the
    text into other code (``1).__class__(`` would otherwise call something else)."""
    try:
        # the newline lets the text end in a comment
        call = ast.parse("_(%s\n)" % expr, mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_"
                and call.func.col_offset == 0):
            raise SyntaxError("the brackets do not hold one list of arguments")
        tree = ast.Expression(body=ast.Call(func=ast.Name(id=_COLLECT, ctx=ast.Load()),
                                            args=call.args, keywords=call.keywords))
        return compile(ast.fix_missing_locations(tree), "<--args>", "eval"), None
    except _TOO_COMPLEX as e:
        why = getattr(e, "msg", None) or str(e) or type(e).__name__
        if isinstance(e, (RecursionError, MemoryError)):
            why = "nested too deeply"
        elif isinstance(e, SyntaxError) and e.lineno == 1 and e.offset:
            why += " (column %d)" % max(1, min(len(expr), e.offset - 2))  # 2: the "_(" around it
        elif isinstance(e, SyntaxError) and e.lineno == 2 and "\n" not in expr:
            why += " (column %d)" % max(1, len(expr))  # on our closing line: the text ended too soon
        return None, why


def args_syntax_problem(expr):
    """Why ``expr`` is not call-argument syntax (as inside ``f(...)``), or None. Nothing is
    evaluated, so the editor can ask before a run (the harness's ``check-args``)."""
    return _collecting_code(expr)[1]


def parse_args(expr, namespace):
    """Evaluate call-argument syntax (``"bob", times=3``) in the module's namespace."""
    if not expr or not expr.strip():
        return (), {}
    code, why = _collecting_code(expr)
    if why:
        raise _not_call_arguments(expr, why)
    scope = dict(namespace)
    scope[_COLLECT] = lambda *a, **k: (a, k)
    try:
        return eval(code, scope)
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # noqa: B902 - even exit() in --args is the user's input failing
        problem = "%s: %s" % (type(e).__name__, str(e).split("\n")[0])
        raise LoadError("args", "evaluating --args %s failed: %s" % (_shown(expr), problem), problem=problem)
