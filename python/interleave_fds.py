"""Interleave's own file descriptors in a process that runs the user's code — event files (and
the duplicates their memory maps keep), the control file, the pipes under fds 1 and 2 and the
original stdout/stderr — stay open when the user's code closes "everything from 3 up"
(``os.closerange(3, …)``, or ``os.close`` in a loop). In a plain run they would not exist; closed,
they would take the run's records and the user's own output with them.

Only in the process that called ``protect`` (a process the user forks closes what it likes),
and only through ``os.close``/``os.closerange``: C code that closes descriptors is not seen.
"""
import errno
import os
import stat

_os_close = os.close
_os_closerange = os.closerange
_owned = set()
_protected_pid = None
_run_dir = None  # every file in it is the run's (and subinterpreters share the process's descriptors)


def own(fd):
    """``fd`` is Interleave's."""
    _owned.add(fd)


def disown(fd):
    """``fd`` is about to be closed by the object that holds it (a selector's)."""
    _owned.discard(fd)


def close(fd):
    """Closes one of ours."""
    _owned.discard(fd)
    _os_close(fd)


def _regular_file(fd):
    """(device, inode) of the regular file open on ``fd``, else None."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def owned():
    """Ours, as now (a subinterpreter, which shares them, is told)."""
    return sorted(_owned)


def _our_files():
    files = {f for f in map(_regular_file, list(_owned)) if f is not None}
    try:
        for entry in os.scandir(_run_dir) if _run_dir else ():
            st = entry.stat()
            files.add((st.st_dev, st.st_ino))
    except OSError:
        pass
    return files


def _is_ours(fd, files=None):
    """One of ours, or a descriptor of a file of ours (mmap's duplicate of an event file's);
    ``files``: _our_files(), when already known."""
    if fd in _owned:
        return True
    file = _regular_file(fd)
    return file is not None and file in (_our_files() if files is None else files)


def _open_fds(low, high):
    """The open descriptors from ``low`` to below ``high``."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            return sorted(fd for fd in map(int, os.listdir(listing)) if low <= fd < high)
        except (OSError, ValueError):
            continue
    return range(max(low, 0), min(high, max(low, 0) + 65536))


def _closerange(fd_low, fd_high):
    if os.getpid() != _protected_pid:
        return _os_closerange(fd_low, fd_high)
    files = _our_files()
    low = fd_low
    for fd in _open_fds(fd_low, fd_high):
        if _is_ours(fd, files):
            _os_closerange(low, fd)  # the user's below it
            low = fd + 1
    return _os_closerange(low, fd_high)


def _close(fd):
    if os.getpid() == _protected_pid and _is_ours(fd):
        # as in a plain run, where this descriptor would not be open
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    return _os_close(fd)


def set_run_dir(run_dir):
    """The run's files are in ``run_dir`` now (the next repetition's folder)."""
    global _run_dir
    _run_dir = run_dir


def protect(run_dir=None):
    """From now on, in this process, the user's os.close/os.closerange leave ours open: those
    owned here, and any descriptor of a file in ``run_dir``."""
    global _protected_pid, _run_dir
    _protected_pid = os.getpid()
    _run_dir = run_dir
    os.closerange = _closerange
    os.close = _close
