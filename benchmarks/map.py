"""The pathway map at an LA's volume: build time, payload, first frame and frame time.

Usage: python benchmarks/map.py [--children 100000] [--keep DIR] [--seconds 6]

1. `carejourneys synth demo --children N` writes a synthetic county (timed, not a target);
2. `carejourneys build` builds a report of the overview and the pathway map (target < 60 s);
3. the map page's payload is pathway.html plus data/pathway.js (target < 8 MB);
4. headless Chromium (--disable-gpu, as on a locked-down council laptop) opens the page from
   file://: time from navigation to the player's first frame (target < 2 s);
5. the player seeks to the busiest day (most children on the map), plays at a day a second
   with every active dot drawn, and reports the median frame interval and the median time
   the player spends drawing a frame (target: median frame < 20 ms).

Each stage has a time limit; at sizes where a stage does not finish (a million children),
the script says how far it got. Figures are printed as one table and as JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAP = REPO / "content" / "maps" / "front_door.yaml"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {"build_s": 60, "payload_mb": 8, "first_frame_ms": 2000, "median_frame_ms": 20}

REPORT = """title: Pathway map benchmark
synthetic: true
period: {start: 2014-04-01, end: 2018-03-31}
sources: [{path: data}]
annotations: [{date: 2016-05-16, label: Ofsted inspection}]
pages:
  - {kind: overview, slug: index, title: Overview}
  - {kind: pathway_map, slug: pathway, title: Pathway map, map: "%s"}
"""


def run(command: list[str], timeout: float) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, timeout=timeout, cwd=REPO, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def busiest_day(data_script: Path) -> str:
    """The day with most children on the map, from the frames' daily stock."""
    import datetime as dt

    from generator.pathway.codec import decode_frames

    text = data_script.read_text(encoding="utf-8")
    payload = json.loads(text.split(" = ", 2)[-1].rstrip(";\n"))
    frames = decode_frames(payload["frames"][0])
    day = frames.first_day + int(frames.stock.sum(axis=1).argmax())
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def measure_browser(page_path: Path, busiest: str, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        page.goto(page_path.resolve().as_uri(), timeout=120_000)
        page.wait_for_function("window.carejourneys && window.carejourneys.players.length > 0", timeout=120_000)
        page.evaluate("window.carejourneys.ready")
        first = page.evaluate("window.carejourneys.players[0].state().firstFrameMs")
        page.evaluate("p => { p.pause(); }", page.evaluate_handle("window.carejourneys.players[0]"))
        page.evaluate(f"window.carejourneys.players[0].seek('{busiest}')")
        page.evaluate("window.carejourneys.players[0].setSpeed(1)")
        page.evaluate("window.carejourneys.players[0].play()")
        page.wait_for_timeout(seconds * 1000)
        state = page.evaluate("window.carejourneys.players[0].state()")
        page.evaluate("window.carejourneys.players[0].pause()")
        browser.close()
    return {
        "first_frame_ms": round(first, 1),
        "busiest_day": busiest,
        "dots_drawn": state["dotsDrawn"],
        "fps": state["fps"],
        "median_frame_ms": round(1000 / state["fps"], 1) if state["fps"] else None,
        "median_draw_ms": state["drawMs"],
        "segments": state["segments"],
        "console_errors": errors,
    }


def benchmark(children: int, folder: Path, seconds: float) -> dict:
    result: dict = {"children": children, "reached": "start"}
    python = sys.executable
    try:
        result["synth_s"] = round(run([python, "-m", "generator", "synth", "demo", "--children", str(children),
                                       "--out", str(folder / "data"), "--file-type", "parquet", "-q"], 3600), 1)
        result["reached"] = "synth"
        (folder / "report.yaml").write_text(REPORT % MAP, encoding="utf-8")
        result["build_s"] = round(run([python, "-m", "generator", "build", str(folder / "report.yaml"),
                                       "--out", str(folder / "build"), "-q"], 1800), 1)
        result["reached"] = "build"
        html, script = folder / "build" / "pathway.html", folder / "build" / "data" / "pathway.js"
        result["html_mb"] = round(html.stat().st_size / 1e6, 2)
        result["data_script_mb"] = round(script.stat().st_size / 1e6, 2)
        result["payload_mb"] = round(result["html_mb"] + result["data_script_mb"], 2)
        result.update(measure_browser(html, busiest_day(script), seconds))
        result["reached"] = "browser"
    except subprocess.TimeoutExpired as error:
        result["stopped"] = f"timed out: {' '.join(map(str, error.cmd[2:4]))}"
    except subprocess.CalledProcessError as error:
        result["stopped"] = f"failed (exit {error.returncode}): {' '.join(map(str, error.cmd[2:4]))}"
    except Exception as error:  # the browser ran out of memory or time: say so, keep the figures
        result["stopped"] = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seconds", type=float, default=6.0, help="how long to play at the busiest day")
    parser.add_argument("--keep", type=Path, help="build here and keep the output")
    args = parser.parse_args()
    results = []
    for n in args.children:
        if args.keep:
            folder = args.keep / f"children-{n}"
            folder.mkdir(parents=True, exist_ok=True)
            results.append(benchmark(n, folder, args.seconds))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                results.append(benchmark(n, Path(tmp), args.seconds))
    for r in results:
        print(f"\n{r['children']:,} children (reached: {r['reached']}{'; ' + r['stopped'] if 'stopped' in r else ''})")
        for key in ("synth_s", "build_s", "payload_mb", "html_mb", "data_script_mb", "first_frame_ms",
                    "busiest_day", "dots_drawn", "segments", "median_frame_ms", "fps", "median_draw_ms"):
            if key in r:
                target = TARGETS.get(key)
                verdict = "" if target is None or r[key] is None else ("  ok" if r[key] < target else f"  OVER {target}")
                print(f"  {key:16} {r[key]}{verdict}")
        if r.get("console_errors"):
            print("  console errors:", r["console_errors"])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
