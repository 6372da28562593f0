"""Each chart rendered once more at build time, as a static SVG, for print and no-JS readers.

vl-convert runs Vega-Lite and Vega in-process (no browser). A chart sized to its container
has no width without a page, so the static copy gets a fixed print width. Axis titles, labels
and legends add to that width, and print scales the whole SVG to the page's width: a copy that
came out wider is drawn again with its plot narrower by the excess, so that every copy prints
at the same scale (its 10 px text at 7.5 pt on A4) rather than smaller the wider it grew. A
single view is fitted by Vega itself ("fit-x"), drawn once.
"""

from __future__ import annotations

import collections
import copy
import json
import queue
import re
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from generator.charts.theme import AXIS_SPACING

PRINT_WIDTH = 680
#: A plot narrower than this is left as it is, whatever its legends add.
MIN_PLOT_WIDTH = 360


def static_svg(spec: dict) -> bytes:
    """The chart as an SVG document (UTF-8 bytes)."""
    import vl_convert as vlc

    fixed = copy.deepcopy(spec)
    # The page's spacing of axis labels (the browser gets it with the scheme's config).
    config = fixed.setdefault("config", {})
    for key, value in AXIS_SPACING.items():
        config[key] = {**value, **config.get(key, {})}
    # The plot's width: the spec's own, or a facet's panels' (a chart of small multiples).
    sized = fixed["spec"] if isinstance(fixed.get("spec"), dict) and "facet" in fixed else fixed
    width = sized.get("width")
    if width == "container":
        width = sized["width"] = PRINT_WIDTH
        if sized is fixed and not any(key in fixed for key in ("hconcat", "vconcat", "concat", "repeat")):
            # One view: Vega fits axes and legends into the print width itself, in one drawing.
            fixed["autosize"] = {"type": "fit-x", "contains": "padding"}
    svg = vlc.vegalite_to_svg(fixed)
    excess = _svg_width(svg) - PRINT_WIDTH
    if isinstance(width, (int, float)) and excess > 1 and width - excess >= MIN_PLOT_WIDTH:
        sized["width"] = round(width - excess)
        svg = vlc.vegalite_to_svg(fixed)
    return _renumber_ids(svg).encode("utf-8")


class StaticDrawings:
    """The static SVGs of a build, each drawn once by a process of its own while the build goes
    on: the build hands each page's charts over as soon as the page is rendered, so that they
    are drawn while later pages are computed rather than all at the end. vl-convert holds
    Python's global lock while it draws (measured: another thread of the same process ran at a
    tenth of its speed meanwhile), so it draws in another process, ``python -m`` this module,
    fed specs and answering drawings through pipes, in order. Where that process cannot be
    started, or ends, charts are drawn here.

    A drawing is found again by its spec's JSON text: the site takes the drawing of a spec equal
    to one it publishes, and draws any other then (a public report's chart with hidden cells
    is published with another spec than the one it was rendered with).
    """

    def __init__(self):
        self._drawn: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._waiting: collections.deque[Future] = collections.deque()  # sent, not yet answered
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._here: ThreadPoolExecutor | None = None

    def draw(self, spec: dict) -> Future:
        """A future of `static_svg` of ``spec`` (as it is now: later changes to it are not drawn)."""
        text = json.dumps(spec, default=str)
        with self._lock:
            if text not in self._drawn:
                future: Future = Future()
                self._drawn[text] = future
                if self._started():
                    self._waiting.append(future)
                    self._outbox.put(text)
                else:
                    self._draw_here(text, future)
            return self._drawn[text]

    def close(self) -> None:
        """No more drawings: the drawing process ends once it has drawn what it was sent (at
        once, if a failed build left drawings nobody will read)."""
        with self._lock:
            if self._process is not None:
                if self._waiting:
                    self._process.kill()
                self._outbox.put(None)
            if self._here is not None:
                self._here.shutdown(wait=False, cancel_futures=True)

    def _started(self) -> bool:
        if self._process is None and self._here is None:
            try:
                self._process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            except OSError:
                return False
            threading.Thread(target=self._send, daemon=True, name="static-svg-send").start()
            threading.Thread(target=self._receive, daemon=True, name="static-svg-receive").start()
        return self._process is not None

    def _draw_here(self, text: str, future: Future) -> None:
        if self._here is None:
            self._here = ThreadPoolExecutor(max_workers=1, thread_name_prefix="static-svg")
        drawing = self._here.submit(lambda: static_svg(json.loads(text)))
        drawing.add_done_callback(lambda done: _settle(future, done))

    def _send(self) -> None:
        pipe = self._process.stdin
        try:
            while (text := self._outbox.get()) is not None:
                _write_frame(pipe, text.encode("utf-8"))
        except OSError:
            pass  # the process ended: `_receive` draws what it did not answer
        finally:
            try:
                pipe.close()
            except OSError:
                pass

    def _receive(self) -> None:
        pipe = self._process.stdout
        while (frame := _read_frame(pipe)) is not None:
            with self._lock:
                future = self._waiting.popleft()
            if frame[:1] == b"\x00":
                future.set_result(frame[1:])
            else:
                future.set_exception(RuntimeError(frame[1:].decode("utf-8", "replace")))
        self._process.wait()
        with self._lock:  # the process ended early: what it was sent is drawn here
            unanswered = [(text, f) for text, f in self._drawn.items() if f in self._waiting]
            self._waiting.clear()
            self._process = None
            for text, future in unanswered:
                self._draw_here(text, future)


def _settle(future: Future, done: Future) -> None:
    if done.cancelled():
        future.cancel()
    elif done.exception() is not None:
        future.set_exception(done.exception())
    else:
        future.set_result(done.result())


def _write_frame(pipe, payload: bytes) -> None:
    pipe.write(len(payload).to_bytes(4, "big") + payload)
    pipe.flush()


def _read_frame(pipe) -> bytes | None:
    head = pipe.read(4)
    if len(head) < 4:
        return None
    payload = pipe.read(int.from_bytes(head, "big"))
    return payload if len(payload) == int.from_bytes(head, "big") else None


def _serve(specs, drawings) -> None:
    """The drawing process: each spec read from ``specs`` answered on ``drawings``, in order,
    as a zero byte and the SVG, or a one byte and what went wrong."""
    while (frame := _read_frame(specs)) is not None:
        try:
            answer = b"\x00" + static_svg(json.loads(frame))
        except Exception as error:  # the build raises it where it asks for this drawing
            answer = b"\x01" + f"{type(error).__name__}: {error}".encode("utf-8")
        _write_frame(drawings, answer)


def _svg_width(svg: str) -> float:
    match = re.search(r'<svg[^>]*?\swidth="([0-9.]+)"', svg)
    return float(match.group(1)) if match else 0.0


def _renumber_ids(svg: str) -> str:
    """Vega numbers gradients with a counter that lives as long as the process, so the same
    chart gets `gradient_0` in one build and `gradient_7` in the next. Number them per
    document, in order of first appearance, so builds stay byte-identical."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        return numbers.setdefault(match.group(0), f"{match.group(1)}{len(numbers)}")

    return re.sub(r"\b(gradient_|clip|pattern_)(\d+)\b", renumber, svg)


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
