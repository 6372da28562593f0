"""The pathway map player in real Chromium: stock, movement, filters, same-day moves, controls.

A report of a few hundred deterministic children (plus hand-made ones with known answers) is
built once per module with the real build; the page is opened from file:// with the network
blocked, and every console error fails the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.build import build_report, load
from generator.pathway.frames import station_stock
from generator.pathway.replay import build_journeys, day_number
from generator.pathway.process_map import ProcessMap

REPO = Path(__file__).resolve().parents[2]
MAP = REPO / "content" / "maps" / "front_door.yaml"
SAME_DAY = "2016-03-09"  # child ZSAME: contact and referral on this one day
DATES = ["2015-01-31", "2015-09-15", "2016-03-09", "2016-11-30", "2017-12-31"]

#: Journeys the generator strings together: (event, code, days after the previous event).
PATHS = [
    [("contact", "information_advice", 0)],
    [("contact", "nfa", 0)],
    [("contact", "early_help", 0), ("early_help_assessment_start", None, 15), ("early_help_assessment_completion", None, 80)],
    [("contact", "referral", 0), ("referral", None, 0), ("assessment_start", None, 2), ("assessment_authorised", "nfa", 30)],
    [("contact", "referral", 0), ("referral", None, 1), ("assessment_start", None, 1), ("assessment_authorised", "in_need", 35),
     ("cin_plan_start", None, 10), ("cin_plan_end", None, 200), ("cin_end", "RC7", 0)],
    [("referral", None, 0), ("strategy_discussion", None, 0), ("s47", None, 1), ("icpc", "cpp", 14), ("cpp_start", None, 0),
     ("cpp_end", None, 250), ("cin_end", "RC8", 0)],
    [("referral", None, 0), ("strategy_discussion", None, 2), ("s47", None, 0), ("assessment_authorised", "nfa", 20)],
    [("referral", None, 0), ("assessment_start", None, 3), ("lac_start", None, 40), ("lac_end", "E4A", 300), ("cin_end", "RC7", 0)],
]


def synthetic_events(children: int = 600, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    start, span = pd.Timestamp("2014-04-01"), 4 * 365
    rows, kids = [], []
    for i in range(children):
        child = f"C{i:04d}"
        day = int(rng.integers(0, span))
        for _ in range(int(rng.integers(1, 4))):
            path = PATHS[int(rng.integers(0, len(PATHS)))]
            for event, code, lag in path:
                day += int(lag * rng.uniform(0.5, 1.5)) if lag else 0
                rows.append((child, event, start + pd.Timedelta(days=day), code))
            day += int(rng.integers(30, 400))
        kids.append((child, str(rng.choice(["1", "2", "9"], p=[0.5, 0.48, 0.02])),
                     start - pd.Timedelta(days=int(rng.integers(0, 17 * 365))),
                     str(rng.choice(["WBRI", "MWBC", "APKN", "BAFR", "OOTH", "REFU"])), bool(rng.random() < 0.1),
                     str(rng.choice(["North Shire", "South Borough"]))))
    # Hand-made children with known answers.
    rows += [
        ("ZSAME", "contact", pd.Timestamp(SAME_DAY), "referral"),
        ("ZSAME", "referral", pd.Timestamp(SAME_DAY), None),
        ("ZSAME", "assessment_start", pd.Timestamp("2016-03-20"), None),
        ("ZOPEN", "referral", pd.Timestamp("2018-03-01"), None),
        ("ZOPEN", "assessment_start", pd.Timestamp("2018-03-02"), None),
    ]
    kids += [("ZSAME", "2", pd.Timestamp("2010-01-01"), "WBRI", False, "North Shire"),
             ("ZOPEN", "1", pd.Timestamp("2012-01-01"), "WBRI", False, "South Borough")]
    rows = [r for r in rows if r[2] <= pd.Timestamp("2018-03-31")]
    events = pd.DataFrame(rows, columns=["child_id", "event", "date", "code"])
    events["date"] = events["date"].dt.strftime("%Y-%m-%d")
    children = pd.DataFrame(kids, columns=["child_id", "sex", "birth_month", "ethnicity", "disability", "la"])
    children["birth_month"] = pd.to_datetime(children["birth_month"]).dt.strftime("%Y-%m")
    return events, children


def write_report(folder: Path, pages: str, map_path: Path = MAP) -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    events, children = synthetic_events()
    events.to_csv(data / "events.csv", index=False)
    children.to_csv(data / "children.csv", index=False)
    report = folder / "report.yaml"
    report.write_text(f"""title: Pathway test
synthetic: true
period: {{start: 2014-04-01, end: 2018-03-31}}
sources: [{{path: data}}]
annotations: [{{date: 2016-05-16, label: Ofsted inspection}}]
pages:
  - {{kind: overview, slug: index, title: Overview}}
{pages.replace("MAP", str(map_path))}
""", encoding="utf-8")
    return report


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pathway")
    report = write_report(folder, """  - {kind: pathway_map, slug: pathway, title: Pathway map, map: MAP}
  - kind: pathway_map
    slug: compare
    title: Girls and boys
    map: MAP
    autoplay: false
    compare: {by: sex, left: Female, right: Male}
  - kind: pathway_map
    slug: periods
    title: A year apart
    map: MAP
    autoplay: false
    compare: {by: period, left: {start: 2015-04-01, end: 2016-03-31}, right: {start: 2016-04-01, end: 2017-03-31}}
  - kind: pathway_map
    slug: las
    title: Two LAs
    map: MAP
    autoplay: false
    compare: {by: la, left: North Shire, right: South Borough}""")
    build_report(report, folder / "build")
    loaded = load(report)
    journeys = build_journeys(loaded.log, ProcessMap.load(MAP))
    return folder / "build", journeys


def open_map(report_page, built, name="pathway.html", **kwargs):
    page = report_page(built[0] / name, **kwargs)
    page.evaluate("window.carejourneys.players[0].pause()")
    return page


def state(page, player=0):
    return page.evaluate(f"window.carejourneys.players[{player}].state()")


def seek(page, date, player=0):
    page.evaluate(f"window.carejourneys.players[{player}].seek({date!r})")
    return state(page, player)


def test_station_counts_equal_the_python_stock_on_several_dates(report_page, built):
    page = open_map(report_page, built)
    for date in DATES:
        shown = seek(page, date)
        assert shown["date"] == date
        assert shown["stationCounts"] == station_stock(built[1], date), date
        assert shown["dotsDrawn"] == sum(shown["stationCounts"].values())
    assert page.console_errors == [] and page.blocked == []


def test_the_counters_on_the_map_show_the_same_numbers(report_page, built):
    page = open_map(report_page, built)
    shown = seek(page, "2016-11-30")
    for station, count in shown["stationCounts"].items():
        assert page.locator(f'[data-count="{station}"]').first.text_content() == f"{count:,} now"


def tick(page, ms, player=0):
    page.evaluate(f"window.carejourneys.players[{player}].tick({ms})")
    return state(page, player)


def test_dots_move_between_two_ticks(report_page, built):
    page = open_map(report_page, built)
    seek(page, "2016-06-01")
    before = page.evaluate("window.carejourneys.players[0].dots()")
    page.evaluate("window.carejourneys.players[0].setSpeed(7)")
    # Half a second at a week a second: 3.5 days on from the end of 1 June, so on 5 June.
    moved_on = tick(page, 500)
    after = page.evaluate("window.carejourneys.players[0].dots()")
    assert moved_on["date"] == "2016-06-05" and moved_on["playing"] is False
    was = {(d["child"], d["from"]): (d["x"], d["y"]) for d in before}
    moved = [d for d in after if (d["child"], d["from"]) in was and (d["x"], d["y"]) != was[(d["child"], d["from"])]]
    assert len(moved) > len(after) // 2
    assert tick(page, 500)["stationCounts"] == station_stock(built[1], "2016-06-08")  # 7 days: a day's end again


def test_ticks_reach_each_date_with_the_python_stock(report_page, built):
    page = open_map(report_page, built)
    page.evaluate("window.carejourneys.players[0].setSpeed(1)")  # a day a second: 1000 ms a day
    previous = DATES[0]
    seek(page, previous)
    for date in DATES[1:]:
        shown = tick(page, (day_number(date) - day_number(previous)) * 1000)
        assert shown["date"] == date
        assert shown["stationCounts"] == station_stock(built[1], date), date
        previous = date
    assert page.console_errors == []


def test_playing_runs_on_animation_frames_and_stops_at_the_end(report_page, built):
    page = open_map(report_page, built)
    seek(page, "2016-06-01")
    page.evaluate("window.carejourneys.players[0].play()")
    page.wait_for_function("window.carejourneys.players[0].state().fps !== null")
    playing = state(page)
    assert playing["playing"] is True and playing["fps"] > 5
    # A tick past the end of the period pauses the player on the period's last day.
    ended = tick(page, 3_600_000)
    assert ended["date"] == "2018-03-31" and ended["playing"] is False
    assert ended["stationCounts"] == station_stock(built[1], "2018-03-31")


def test_filters_change_the_dots_drawn(report_page, built):
    page = open_map(report_page, built)
    everyone = seek(page, "2016-11-30")["dotsDrawn"]
    journeys = built[1]
    sexes = journeys.children["sex"].astype("string").fillna("")
    tick = day_number("2016-11-30") * 8
    visits = journeys.visits
    active = visits[(visits["station"] >= 0) & (visits["tick"] <= tick) & (visits["end_tick"] > tick)]
    girls_expected = int((sexes.iloc[active["child"]].to_numpy() == "2").sum())

    page.locator("details.pathway-filters summary").click()
    page.get_by_label("Sex", exact=True).select_option(label="Female")
    girls = state(page)
    assert girls["filters"]["sex"] == "1"
    assert girls["dotsDrawn"] == girls_expected
    assert 0 < girls["dotsDrawn"] < everyone
    page.get_by_label("Sex", exact=True).select_option(label="Male")
    boys = state(page)["dotsDrawn"]
    page.get_by_label("Sex", exact=True).select_option(label="Not known")
    unknown = state(page)["dotsDrawn"]
    assert girls["dotsDrawn"] + boys + unknown == everyone
    page.get_by_label("Sex", exact=True).select_option(label="All")
    assert state(page)["dotsDrawn"] == everyone
    assert page.console_errors == []


def test_a_same_day_transition_is_drawn_moving(report_page, built):
    page = open_map(report_page, built)
    seek(page, "2016-03-08")
    # Contact at midday, referral at the end of the day: at 18:00 the dot is on its way.
    seek(page, SAME_DAY + "T18:00")
    dots = page.evaluate("window.carejourneys.players[0].dots()")
    moving = [d for d in dots if d["from"] == "contact" and d["to"] == "referral" and abs(d["waitedDays"] - 0.25) < 1e-9]
    assert moving, "the same-day contact -> referral is not drawn"
    stations = page.evaluate("""() => {
      const xy = id => { const c = document.querySelector('[data-station="' + id + '"] circle'); return [+c.getAttribute('cx'), +c.getAttribute('cy')]; };
      return {contact: xy('contact'), referral: xy('referral')};
    }""")
    (cx, _), (rx, _) = stations["contact"], stations["referral"]
    assert any(cx + 5 < d["x"] < rx - 5 for d in moving), (moving, stations)
    # By the end of the day the child is counted at referral.
    assert seek(page, SAME_DAY)["stationCounts"] == station_stock(built[1], SAME_DAY)


def test_a_child_open_at_the_end_stays_on_the_map(report_page, built):
    page = open_map(report_page, built)
    shown = seek(page, "2018-03-31")
    assert shown["stationCounts"]["assessment"] >= 1
    assert shown["stationCounts"] == station_stock(built[1], "2018-03-31")


def test_reduced_motion_starts_paused_and_the_pause_control_is_always_there(report_page, built):
    still = report_page(built[0] / "pathway.html", reduced_motion="reduce")
    assert state(still)["playing"] is False
    moving = report_page(built[0] / "pathway.html")
    assert state(moving)["playing"] is True
    button = moving.get_by_role("button", name="Pause")
    assert button.is_visible()
    button.click()
    assert state(moving)["playing"] is False
    assert moving.get_by_role("button", name="Play").is_visible()


def test_keyboard_space_plays_and_arrows_step(report_page, built):
    page = open_map(report_page, built)
    seek(page, "2016-01-10")
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    assert state(page)["date"] == "2016-01-11"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert state(page)["date"] == "2016-01-09"
    page.keyboard.press("Space")
    assert state(page)["playing"] is True
    page.keyboard.press("Space")
    assert state(page)["playing"] is False


def test_the_scrubber_and_its_annotation(report_page, built):
    page = open_map(report_page, built)
    page.get_by_role("button", name="Ofsted inspection").click()
    assert state(page)["date"] == "2016-05-16"
    assert page.locator(".pathway-event").text_content() == "Ofsted inspection (16 May 2016)"  # prose dates: day month year
    slider = page.get_by_label("Date", exact=True)
    slider.fill(str(day_number("2017-02-01") - page.evaluate("window.carejourneysData.pathway.frames[0].originDay")))
    assert state(page)["date"] == "2017-02-01"


def test_station_panel_shows_now_waiting_and_where_children_go_next(report_page, built):
    page = open_map(report_page, built)
    shown = seek(page, "2016-11-30")
    page.locator('[data-station="assessment"]').click()
    panel = page.locator(".pathway-panel")
    assert panel.is_visible()
    assert panel.locator("[data-panel='now']").text_content().startswith(f"{shown['stationCounts']['assessment']:,} children")
    nexts = panel.locator("[data-panel='next'] li").all_text_contents()
    assert nexts and all("%" in n for n in nexts)
    assert any("NFA / closed" in n for n in nexts)
    page.get_by_role("button", name="Close", exact=True).click()
    assert not panel.is_visible()


def test_colour_modes_switch_the_key(report_page, built):
    page = open_map(report_page, built)
    page.get_by_label("Colour dots by").select_option("sex")
    assert state(page)["colourBy"] == "sex"
    assert page.locator('[data-key="sex"]').is_visible() and not page.locator('[data-key="cycle"]').is_visible()


def test_side_by_side_players_share_one_scrubber(report_page, built):
    page = report_page(built[0] / "compare.html")
    players = page.evaluate("window.carejourneys.players.length")
    assert players == 2
    left = seek(page, "2016-11-30", player=0)
    right = state(page, player=1)
    assert right["date"] == left["date"] == "2016-11-30"
    everyone = station_stock(built[1], "2016-11-30")
    # Girls on the left, boys on the right: together all but the children of unknown sex.
    assert left["dotsDrawn"] + right["dotsDrawn"] <= sum(everyone.values())
    assert left["dotsDrawn"] > 0 and right["dotsDrawn"] > 0
    assert page.console_errors == []


def test_period_against_period_runs_a_year_apart_on_one_scrubber(report_page, built):
    page = report_page(built[0] / "periods.html")
    assert state(page, 0)["playing"] is False  # autoplay: false
    left = seek(page, "2015-10-01", player=0)
    right = state(page, player=1)
    # Day 184 of each period (the right one starts a year, 366 days, later).
    assert (left["date"], right["date"]) == ("2015-10-01", "2016-10-01")
    assert left["stationCounts"] == station_stock(built[1], "2015-10-01")
    assert right["stationCounts"] == station_stock(built[1], "2016-10-01")
    page.get_by_role("button", name="Forward one day").click()
    assert (state(page, 0)["date"], state(page, 1)["date"]) == ("2015-10-02", "2016-10-02")
    # One clock: a tick through either view's hooks moves both maps.
    page.evaluate("window.carejourneys.players[1].setSpeed(1)")
    tick(page, 2000, player=1)
    assert (state(page, 0)["date"], state(page, 1)["date"]) == ("2015-10-04", "2016-10-04")
    assert state(page, 1)["stationCounts"] == station_stock(built[1], "2016-10-04")
    assert page.console_errors == []


def test_two_periods_stay_on_the_same_day_of_the_year_across_a_leap_year(report_page, built):
    page = report_page(built[0] / "periods.html")
    # 366 days after 15 March 2016 is 16 March 2017: the right map must show 15 March.
    left = seek(page, "2016-03-15", player=0)
    right = state(page, player=1)
    assert (left["date"], right["date"]) == ("2016-03-15", "2017-03-15")
    assert right["stationCounts"] == station_stock(built[1], "2017-03-15")
    assert page.locator(".pathway-view-date").all_inner_texts() == ["15 March 2016", "15 March 2017"]
    seek(page, "2016-02-29", player=0)
    assert state(page, 1)["date"] == "2017-02-28"
    # Seeking through the right view lands the left one on the same day a year before.
    seek(page, "2017-03-20", player=1)
    assert state(page, 0)["date"] == "2016-03-20"
    assert page.console_errors == []


def test_projector_mode_fills_the_window_and_the_keyboard_drives_it(report_page, built):
    page = report_page(built[0] / "periods.html", viewport={"width": 1366, "height": 768})
    page.locator("body").press("p")
    root = page.locator(".pathway")
    assert "is-projector" in root.get_attribute("class")
    box = root.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 1366, 768)
    stages = [page.locator(".pathway-stage").nth(i).bounding_box() for i in range(2)]
    assert all(s["y"] + s["height"] <= 768 + 1 for s in stages), "both maps in the window"
    assert all(s["width"] > 600 for s in stages)
    before = state(page)["date"]
    page.keyboard.press("ArrowRight")
    assert state(page)["date"] > before
    page.keyboard.press("Escape")
    assert "is-projector" not in root.get_attribute("class")
    assert page.evaluate("document.activeElement.dataset.action") == "projector"
    assert page.console_errors == []


def test_one_la_against_another(report_page, built):
    page = report_page(built[0] / "las.html")
    captions = page.locator(".pathway-view-label").all_text_contents()
    assert captions[0].startswith("North Shire") and captions[1].startswith("South Borough")
    left = seek(page, "2017-06-30", player=0)
    right = state(page, player=1)
    everyone = station_stock(built[1], "2017-06-30")
    assert left["dotsDrawn"] + right["dotsDrawn"] == sum(everyone.values())
    both = {k: left["stationCounts"][k] + right["stationCounts"][k] for k in everyone}
    assert both == everyone
    page.get_by_label("Colour dots by").select_option("la")
    assert state(page)["colourBy"] == "la"
    assert page.console_errors == []


def test_recording_makes_a_webm_in_the_browser(report_page, built):
    page = open_map(report_page, built)
    seek(page, "2016-01-01")
    size = page.evaluate("window.carejourneys.players[0].record(0.8).then(blob => blob.size)")
    assert size > 1000
    link = page.locator(".pathway-download")
    assert link.is_visible() and link.get_attribute("href").startswith("blob:")
    assert link.get_attribute("download").endswith(".webm")
    still = page.evaluate("window.carejourneys.players[0].snapshot()")
    assert still.startswith("data:image/png;base64,") and len(still) > 10_000
    assert page.console_errors == [] and page.blocked == []


def test_the_monthly_table_is_the_stock_at_each_month_end(report_page, built):
    page = open_map(report_page, built)
    row = page.locator("table.pathway-table tbody tr", has_text="2016-11").first
    cells = row.locator("td").all_text_contents()
    expected = station_stock(built[1], "2016-11-30")
    assert [int(c.replace(",", "")) for c in cells] == list(expected.values())


def test_a_label_that_looks_like_markup_is_shown_as_text(report_page, tmp_path):
    hostile = "</script><script>alert(1)</script>"
    text = MAP.read_text(encoding="utf-8").replace("label: Referral", f"label: '{hostile}'")
    map_path = tmp_path / "hostile.yaml"
    map_path.write_text(text, encoding="utf-8")
    report = write_report(tmp_path, "  - {kind: pathway_map, slug: pathway, title: Map, map: MAP}", map_path)
    build_report(report, tmp_path / "build")
    page = report_page(tmp_path / "build" / "pathway.html")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert page.locator('[data-station="referral"] text').first.text_content().startswith(hostile)
    assert page.evaluate("window.carejourneysData.pathway.frames[0].stationLabels").count(hostile) == 1
    assert dialogs == [] and page.console_errors == []


def test_a_public_report_of_real_data_animates_synthetic_twins(report_page, tmp_path):
    # Issue 6: public dots are synthetic twins (never real children; the output audit checks
    # the frames), and the page says so; the table stays the real, suppressed counts.
    report = write_report(tmp_path, "  - {kind: pathway_map, slug: pathway, title: Map, map: MAP}")
    report.write_text(report.read_text(encoding="utf-8").replace("synthetic: true", "synthetic: false"), encoding="utf-8")
    build_report(report, tmp_path / "build", audience="public")
    assert (tmp_path / "build" / "data" / "pathway.js").exists()
    page = report_page(tmp_path / "build" / "pathway.html")
    assert page.evaluate("window.carejourneys.players.length") == 1
    assert "synthetic twins, not real children" in page.inner_text(".pathway-intro")
    cells = page.locator("table.pathway-table td").all_text_contents()
    assert "c" in cells and not any(c in {"1", "2", "3", "4", "5"} for c in cells)
    assert page.console_errors == []


def test_data_of_another_format_version_is_refused_on_the_page(report_page, built, tmp_path):
    # A data script left from another carejourneys version beside new scripts: the page says
    # so instead of drawing nonsense, and the static map and its counts stay readable.
    site = tmp_path / "site"
    shutil.copytree(built[0], site)
    data = site / "data" / "pathway.js"
    text = data.read_text(encoding="utf-8")
    assert text.count('"version":1,') == 1
    data.write_text(text.replace('"version":1,', '"version":99,'), encoding="utf-8")
    page = report_page(site / "pathway.html", wait_ready=False)
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "format version 99, but this player reads version 1" in alert.text_content()
    assert "Rebuild the report" in alert.text_content()
    assert page.evaluate("window.carejourneys.players.length") == 0
    assert not page.locator(".pathway-interactive").is_visible()
    assert page.locator('[data-count="assessment"]').first.text_content().endswith(" now")
