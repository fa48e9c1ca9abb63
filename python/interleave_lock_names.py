"""The name of one of the user's locks: what the line that made it assigns it to —
``counter_lock`` in ``counter_lock = threading.Lock()``, ``self.lock``, ``a`` in
``a, b = Lock(), Lock()`` (by the call's position where Python gives it, 3.11+; else by counting
the line's calls), ``locks[0]`` in ``locks = [Lock(), Lock()]``. Imported when the user's file
makes its first lock: parsing is not every run's cost.
"""
import ast


_names = {}  # (code, line, position) -> name or None


def label(obj, kind, frame, user_file, lines, file_name=None):
    """``name (line n)`` for ``obj``, made by ``frame`` of the user's file (whose text is
    ``lines``): the name the line assigns it to, else its kind; ``name (file_name, line n)`` for a
    file of the program other than the traced one."""
    # made in the __init__ of the user's own subclass: the line that made it is further out
    while (frame.f_code.co_name == "__init__" and frame.f_back is not None
           and frame.f_back.f_code.co_filename == user_file
           and frame.f_locals.get("self") is obj):
        frame = frame.f_back
    line = frame.f_lineno
    key = (frame.f_code, line, frame.f_lasti)
    if key not in _names:
        try:
            _names[key] = _assigned_name(frame, line, lines)
        except Exception:  # a name is a nicety: never the user's failure
            _names[key] = None
    if file_name:
        return "%s (%s, line %d)" % (_names[key] or kind, file_name, line)
    return "%s (line %d)" % (_names[key] or kind, line)


_trees = {}  # id of the lines -> the file's syntax tree (parsed once, when first needed)


def _statement_at(line, lines):
    """The innermost statement of the user's file that spans ``line`` (a call inside a statement
    of several lines reports its own line)."""
    tree = _trees.get(id(lines))
    if tree is None:
        tree = _trees[id(lines)] = ast.parse("\n".join(lines))
    found = None
    for node in ast.walk(tree):  # outer statements first: the last that spans it is the innermost
        if isinstance(node, ast.stmt) and node.lineno <= line <= getattr(node, "end_lineno", node.lineno):
            if found is None or node.lineno >= found.lineno:
                found = node
    return found


def _assigned_name(frame, line, lines):
    node = _statement_at(line, lines)
    if isinstance(node, ast.Assign):
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target = node.target
    else:
        return None
    return _path(target, node.value, _call_position(frame), frame, line)


def _call_position(frame):
    """The (line, column) of the call being made, where Python says (3.11+); None before that."""
    positions = getattr(frame.f_code, "co_positions", None)
    if positions is None:
        return None
    try:
        pos = list(positions())[frame.f_lasti // 2]
    except (IndexError, ValueError):
        return None
    if pos[0] is None or pos[2] is None:
        return None
    return pos[0], pos[2]


def _contains(node, where):
    begin = (node.lineno, node.col_offset)
    end = (getattr(node, "end_lineno", node.lineno), getattr(node, "end_col_offset", 1 << 30))
    return begin <= where < end


def _path(target, value, where, frame, line):
    """The name the call's result is bound to: ``a`` in ``a, b = Lock(), Lock()``, ``locks[0]``
    in ``locks = [Lock(), Lock()]``, else the whole target."""
    name = ast.unparse(target) if hasattr(ast, "unparse") else None
    elements = getattr(value, "elts", None) if isinstance(value, (ast.Tuple, ast.List)) else None
    keys = value.keys if isinstance(value, ast.Dict) else None
    items = elements if elements is not None else (value.values if keys is not None else None)
    if not items:
        return name
    index = _element(items, where, frame, line)
    if index is None:
        return name if not isinstance(target, (ast.Tuple, ast.List)) else None
    if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(items):
        return _path(target.elts[index], items[index], where, frame, line)
    if isinstance(target, (ast.Tuple, ast.List)):
        return None
    if keys is not None:
        key = keys[index]
        return "%s[%s]" % (name, ast.unparse(key)) if key is not None and hasattr(ast, "unparse") else name
    return "%s[%d]" % (name, index)


def _element(items, where, frame, line):
    """Which of ``items`` holds the call being made: by position (3.11+), else by counting the
    calls of that line before it when each item is one call (3.9, 3.10)."""
    if where is not None:
        for i, item in enumerate(items):
            if _contains(item, where):
                return i
        return None
    if not all(isinstance(item, ast.Call) for item in items):
        return None
    import dis
    calls, current = [], None
    for ins in dis.get_instructions(frame.f_code):
        if ins.starts_line is not None:
            current = ins.starts_line
        if current == line and ins.opname.startswith("CALL"):
            calls.append(ins.offset)
    if len(calls) != len(items) or frame.f_lasti not in calls:
        return None
    return calls.index(frame.f_lasti)
