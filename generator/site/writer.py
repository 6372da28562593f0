"""The atomic write of a build folder, and the claim on it while a build runs.

The whole site is assembled in memory (a few MB) and written to a staging folder beside the
target (``.<out>.tmp-<pid>``). On Linux the two folders are then exchanged in one step
(``renameat2`` with ``RENAME_EXCHANGE``), so at every moment ``--out`` holds either the
complete previous build or the complete new one, even if the process is killed. Where the
OS or file system cannot exchange, the fallback is two renames (the old build to
``.<out>.old-<pid>``, the new one in): a kill between them leaves no ``--out`` until the next
build, which puts the old build back before it starts. A build that fails never touches the
previous one, and a folder that is not a previous build (no manifest.json of ours) is never
replaced.

A build claims ``--out`` before any work with a lock file beside it (``.<out>.lock``, an
``flock``): a second build to the same folder exits 2 at once, naming the running build's
process, rather than waiting. Holding the claim, a build removes the staging folders of
builds that died (their process is gone).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
from pathlib import Path, PurePosixPath

from generator.words import counted
from generator.build_folder import GENERATOR_NAME, MANIFEST, is_previous_build
from generator.errors import InputError, Problem

__all__ = ["GENERATOR_NAME", "MANIFEST", "is_previous_build", "claim_target", "write_site", "check_names"]
#: Free space asked for when there is no previous build to size the new one by.
MIN_FREE_BYTES = 10 * 1024 * 1024

try:  # fcntl is POSIX; elsewhere builds are not locked (documented in the README)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _folder_size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file():
                total += path.stat().st_size
    return total


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def check_target(out_dir: Path) -> None:
    """Refuse, before any work, a target we must not replace or cannot write.

    The folder must be new, empty or a previous build; the nearest existing folder above it
    must be a folder we may write in, with room for a build the size of the previous one.
    """
    out_dir = Path(out_dir)
    where = str(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Problem(where, "", "exists and is a file, not a folder", "choose another --out"))
    if out_dir.is_dir() and any(out_dir.iterdir()) and not is_previous_build(out_dir):
        raise InputError(Problem(
            where, "", "is a folder with files in it that is not a previous carejourneys build; "
            "refusing to replace it", "choose an empty or new folder with --out, or move its files away"))
    parent = _existing_ancestor(out_dir.absolute().parent)
    if not parent.is_dir():
        raise InputError(Problem(where, "", f"cannot be made: {parent} is a file, not a folder", "choose another --out"))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(Problem(where, "", f"cannot be written: no permission to write in {parent}",
                                 "choose a folder you may write in with --out"))
    needed = max(_folder_size(out_dir) if out_dir.is_dir() else 0, MIN_FREE_BYTES)
    free = shutil.disk_usage(parent).free
    if free < needed:
        raise InputError(Problem(where, "", f"has too little free space: {free / 1e6:,.1f} MB free, "
                                 f"{needed / 1e6:,.1f} MB needed (the size of the previous build)",
                                 "free some space on that disk or choose another --out"))


def safe_relative(name: str) -> bool:
    """Whether ``name`` is a relative posix path that stays inside the folder it is joined to."""
    path = PurePosixPath(name)
    return bool(name) and "\\" not in name and "\x00" not in name and not path.is_absolute() \
        and ".." not in path.parts and not re.match(r"^[A-Za-z]:", name)


def check_names(names, staging: Path | None = None) -> None:
    """Refuse any file name that would resolve outside the build (or ``staging``): a slug or
    chart id made into ``../x`` must never write outside ``--out`` or into a zip as ``../``."""
    bad = [n for n in names if not safe_relative(n)]
    if staging is not None:
        root = staging.resolve()
        bad += [n for n in names if n not in bad and not (staging / n).resolve().is_relative_to(root)]
    if bad:
        raise InputError(Problem("report.yaml", "pages", f"would write {counted(len(bad), 'file')} outside the output folder, "
                                 f"e.g. {bad[0][:80]!r}", "use page slugs of lower-case letters, digits and hyphens"))


# --------------------------------------------------------------------------- the claim
_HELD: dict[Path, int] = {}


def _lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out_dir: Path) -> list[tuple[Path, str, int]]:
    pattern = re.compile(re.escape(f".{out_dir.name}.") + r"(tmp|old)-(\d+)$")
    found = []
    with contextlib.suppress(OSError):
        for path in out_dir.parent.iterdir():
            match = pattern.match(path.name)
            if match:
                found.append((path, match.group(1), int(match.group(2))))
    return found


def recover(out_dir: Path) -> None:
    """Put back a previous build a killed two-rename swap left aside, and remove the staging
    folders of builds that are no longer running (or were earlier writes of this process).
    Called holding the claim, so no live build of ours is using them."""
    for path, kind, pid in sorted(_leftovers(out_dir), key=lambda item: item[1] != "old"):
        if pid != os.getpid() and _pid_alive(pid):
            continue
        if kind == "old" and not out_dir.exists() and is_previous_build(path):
            os.replace(path, out_dir)  # the complete previous build, back where it was
            continue
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def claim_target(out_dir: Path):
    """Check ``out_dir`` and hold it for this build; exit 2 if another build holds it."""
    out_dir = Path(out_dir).absolute()
    check_target(out_dir)
    if out_dir in _HELD or fcntl is None:
        yield
        return
    lock = _lock_path(out_dir)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(lock)
    except OSError as error:
        raise InputError(Problem(str(out_dir), "", f"cannot be written ({error.strerror or error})",
                                 "choose a folder you may write in with --out")) from None
    if fd is None:
        try:
            holder = lock.read_text(encoding="utf-8").strip()[:20]
        except OSError:
            holder = "?"
        raise InputError(Problem(str(out_dir), "", f"another carejourneys build (process {holder}) is writing to this folder",
                                 "wait for it to finish, or build to another --out"))
    _HELD[out_dir] = fd
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        recover(out_dir)
        yield
    finally:
        del _HELD[out_dir]
        with contextlib.suppress(OSError):
            lock.unlink()  # before unlocking: a build that opened it meanwhile checks the inode
        os.close(fd)


def _acquire(lock: Path) -> int | None:
    """An fd holding ``flock`` on ``lock``, or None if another process holds it."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        # The holder unlinks the file as it lets go: a lock on an unlinked file is no claim.
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


# --------------------------------------------------------------------------- the swap
def _renameat2():
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc 2.28+
    except OSError:  # pragma: no cover - no C library to load
        return None


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step; False where the OS or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first))


def _swap(staging: Path, out_dir: Path, retired: Path) -> None:
    if exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous build
        return
    # Fallback: two renames; a kill between them is repaired by the next build (`recover`).
    os.replace(out_dir, retired)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(retired, out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_site(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative posix path -> content) as the folder ``out_dir``, atomically.

    Raises
    ------
    InputError
        For a target that must not be replaced, a file name outside the build, another build
        writing to the same folder, or a write the disk refuses (full, read-only): the
        previous build is then untouched and nothing is left beside it.
    """
    out_dir = Path(out_dir).absolute()
    with claim_target(out_dir):
        parent = out_dir.parent
        staging = parent / f".{out_dir.name}.tmp-{os.getpid()}"
        retired = parent / f".{out_dir.name}.old-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(parents=True)
            check_names(files, staging)
            for relative in sorted(files):
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(files[relative])
            if out_dir.exists():
                _swap(staging, out_dir, retired)
            else:
                os.replace(staging, out_dir)
        except OSError as error:
            raise InputError(Problem(str(out_dir), "", f"could not be written ({error.strerror or error}); "
                                     "the previous build is untouched",
                                     "free space on that disk or check that you may write there, then build again")) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
