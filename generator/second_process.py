"""Running one pure function of the build in a second Python process, so that two cores work.

`multiprocessing` starts its workers by importing the caller's main script again, which runs
an analyst's own script that calls the build without an ``if __name__ == "__main__"`` guard
a second time. Here the worker is this module, run as ``python -m generator.second_process``
with two file names: it reads the function's module, name and arguments from the first
(pickled by this process into a private temporary folder), calls it, and pickles the result,
or the exception it raised, into the second. Only files this build wrote are unpickled.
"""

from __future__ import annotations

import importlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
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
    function = _found(module, name)
    try:
        outcome = (True, function(*args))
    except Exception as error:  # handed to the build, which raises it as if computed there
        outcome = (False, error)
    with result.open("wb") as file:
        pickle.dump(outcome, file, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _run(Path(sys.argv[1]), Path(sys.argv[2]))
