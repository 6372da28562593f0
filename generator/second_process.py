"""Running one pure function of the build in a second Python process, so that two cores work.

On Linux the build forks: the second process starts as a copy of this one, with every module
already imported and the function's arguments already in memory, so it spends its time on the
function rather than on starting (importing pandas and the analyses took about 1.4 s of CPU a
process, pickling the event log more). Elsewhere (Windows and macOS, where forking a process
that has started threads is unsafe) `multiprocessing` would start its workers by importing the
caller's main script again, which runs an analyst's own script that calls the build without an
``if __name__ == "__main__"`` guard a second time. There the worker is this module, run as
``python -m generator.second_process`` with two file names: it reads the function's module,
name and arguments from the first (pickled by this process into a private temporary folder),
calls it, and pickles the result, or the exception it raised, into the second. Either way only
files this build wrote are unpickled.
"""

from __future__ import annotations

import gc
import importlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


def call_in_second_process(function, *args) -> Future:
    """A future of ``function(*args)``, computed by a second Python process.

    ``function``'s arguments and result must be picklable. It is computed here instead on a
    machine with one core, when it cannot be found again by its module and name (a function
    made inside another, or one a test replaced), and when no second process can be started
    (a locked-down machine).
    """
    if (os.cpu_count() or 1) < 2 or _found(function.__module__, function.__qualname__) is not function:
        return _here(function, *args)
    folder = Path(tempfile.mkdtemp(prefix="carejourneys-"))
    task, result = folder / "task.pickle", folder / "result.pickle"
    if FORK:
        return _forked(function, args, result, folder)
    with task.open("wb") as file:
        pickle.dump((function.__module__, function.__qualname__, args), file, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        process = subprocess.Popen([sys.executable, "-m", __name__, str(task), str(result)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return _here(function, *args)
    waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="second-process")
    future = waiter.submit(_result_of, process, result, folder)
    waiter.shutdown(wait=False)
    return future


#: Fork where forking a process with threads is safe enough: Linux (glibc and CPython reset
#: their own locks in the new process, and the copy only computes, pickles and exits).
FORK = sys.platform.startswith("linux") and hasattr(os, "fork")


class _Forked(Future):
    """The future of a forked process's result. A thread only waits for the process to end;
    the first caller of `result` unpickles it, in its own thread, so that no other thread is
    importing (as unpickling may) when the build forks again."""

    def __init__(self, pid: int, result: Path, folder: Path):
        super().__init__()
        self._result_file, self._folder, self._reading = result, folder, threading.Lock()
        waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="second-process")
        self._ended = waiter.submit(lambda: os.waitpid(pid, 0)[1])
        waiter.shutdown(wait=False)

    def result(self, timeout=None):
        status = self._ended.result(timeout)
        with self._reading:
            if not self.done():
                try:
                    if not self._result_file.exists():
                        raise RuntimeError(f"the second process ended with status {status} and no result")
                    with self._result_file.open("rb") as file:
                        ok, value = pickle.load(file)
                except Exception as error:
                    ok, value = False, error
                finally:
                    shutil.rmtree(self._folder, ignore_errors=True)
                (self.set_result if ok else self.set_exception)(value)
        return super().result()


def _forked(function, args: tuple, result: Path, folder: Path) -> Future:
    try:
        pid = os.fork()
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return _here(function, *args)
    if pid == 0:  # the copy: compute, write the result, and leave without running any exit code
        status = 1
        try:
            # Objects made before the fork are never collected here: the collector would write
            # to every one of them, copying all the memory the two processes share.
            gc.freeze()
            _compute_into(result, function, args)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    return _Forked(pid, result, folder)


def _here(function, *args) -> Future:
    done: Future = Future()
    done.set_result(function(*args))
    return done


def _found(module: str, name: str):
    """The object called ``name`` in ``module``, or None."""
    try:
        found = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return found


def _result_of(process: subprocess.Popen, result: Path, folder: Path):
    try:
        _, stderr = process.communicate()
        if not result.exists():
            raise RuntimeError(f"the second process ended with code {process.returncode} and no result:\n"
                               + stderr.decode("utf-8", "replace")[-2000:])
        with result.open("rb") as file:
            ok, value = pickle.load(file)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not ok:
        raise value
    return value


def _run(task: Path, result: Path) -> None:
    with task.open("rb") as file:
        module, name, args = pickle.load(file)
    _compute_into(result, _found(module, name), args)


def _compute_into(result: Path, function, args: tuple) -> None:
    """Pickle ``function(*args)``, or the exception it raised, into ``result``."""
    try:
        outcome = (True, function(*args))
    except Exception as error:  # handed to the build, which raises it as if computed there
        outcome = (False, error)
    with result.open("wb") as file:
        pickle.dump(outcome, file, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _run(Path(sys.argv[1]), Path(sys.argv[2]))
