"""The linkage and proceedings pages (issue 16), rendered and published on the demo."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from generator.analyses.period import Period
from generator.build import render_pages
from generator.eventlog import EventLog
from generator.ingest import Tables, read_inputs
from generator.page_options import LinkageOptions, ProceedingsOptions
from generator.privacy.audit import Secrets, audit_site, legal_secrets
from generator.privacy.publish import publish

REPO = Path(__file__).resolve().parents[1]
PERIOD = Period.of("2014-04-01", "2018-03-31")
PAGES = [LinkageOptions(kind="linkage", slug="linkage", title="Linkage"),
         ProceedingsOptions(kind="proceedings", slug="proceedings", title="Proceedings")]


def _published(sources, audience, tables=None):
    ctx, rendered = render_pages(PAGES, log=sources.log, period=PERIOD, tables=tables or sources.tables, audience=audience)
    published, _ = publish(rendered, dict(ctx.metrics), audience)
    return {options.kind: page for options, page in published}


def _text(page) -> str:
    """Everything a published page writes, as text."""
    parts = [json.dumps(page.context, default=str)]
    for chart in page.charts:
        parts += [chart.title, chart.description, json.dumps(chart.spec, default=str), chart.data.to_csv(index=False)]
    parts += [frame.to_csv(index=False) for frame in page.downloads.values()]
    for table in page.context.get("tables", []):
        parts.append(table["frame"].to_csv(index=False))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def demo():
    return read_inputs([REPO / "data" / "demo"])


@pytest.mark.slow
def test_internal_pages_carry_the_review_list_the_curves_csv_and_a_conserving_sankey(demo):
    pages = _published(demo, "internal")
    linkage, proceedings = pages["linkage"], pages["proceedings"]
    review = linkage.downloads["linkage-review"]
    assert {"proceedings_id", "child_id", "decision", "list_surname", "record_surname"} <= set(review.columns)
    assert len(review) > 0 and (review["decision"] == "").all()
    charts = {chart.id: chart for chart in proceedings.charts}
    curve = charts["proceedings-still-in-care"].data
    assert list(curve.columns) == ["group", "weeks", "still_in_care", "lower", "upper", "at_risk"]
    assert set(curve["group"]) == {"With proceedings at entry", "Without proceedings at entry"}
    flows = charts["proceedings-journeys"].data
    rows = len(demo.tables.legal.proceedings)
    before = flows[flows["source"].isin({"Not looked after", "Section 20, under 3 months", "Section 20, 3 months or more",
                                         "Already on an order", "Not linked to a record", "Other status before"})]
    assert before["children_count"].sum() == rows == flows.drop(before.index)["children_count"].sum()
    notes = " ".join(map(str, proceedings.context["notes"]))
    assert "immortal-time bias" in notes and "Log-rank test" in notes and "were never looked after" in notes


@pytest.mark.slow
def test_public_pages_publish_no_name_case_number_or_review_list(demo):
    pages = _published(demo, "public")
    linkage = pages["linkage"]
    assert not linkage.downloads and all(table["id"] != "linkage-review" for table in linkage.context["tables"])
    assert any("internal reports only" in str(note) for note in linkage.context["notes"])
    secrets = legal_secrets(Secrets(), demo.tables.legal)
    files = {f"{kind}.html": _text(page).encode() for kind, page in pages.items()}
    assert audit_site(files, secrets, public=True) == []
    # The audit would catch them: the internal review list names children.
    internal = _published(demo, "internal")["linkage"]
    found = audit_site({"linkage.html": _text(internal).encode()}, secrets, public=False)
    assert any("the name" in problem.message for problem in found)


@pytest.mark.slow
def test_clerical_decisions_read_back_settle_the_pairs_they_name(demo):
    internal = _published(demo, "internal")["linkage"]
    review = internal.downloads["linkage-review"]
    first = review.iloc[0]
    decisions = pd.DataFrame({"proceedings_id": [first["proceedings_id"]], "child_id": [first["child_id"]],
                              "decision": ["match"]})
    legal = dataclasses.replace(demo.tables.legal, decisions=decisions)
    again = _published(demo, "internal", Tables(population=demo.tables.population, legal=legal))["linkage"]
    assert first["proceedings_id"] not in set(again.downloads["linkage-review"]["proceedings_id"])
    assert any("Clerical decisions read back from the data folder: 1 " in str(note) for note in again.context["notes"])


def test_without_a_proceedings_list_the_pages_say_what_they_need():
    log = EventLog.from_frames(pd.DataFrame({"child_id": ["A"], "event": ["lac_start"], "date": pd.to_datetime(["2016-01-01"]),
                                             "record_id": ["A1"], "code": ["V2"]}),
                               pd.DataFrame({"child_id": ["A"], "sex": ["1"], "birth_month": pd.to_datetime(["2010-01-01"])}))
    _, rendered = render_pages(PAGES, log=log, period=PERIOD)
    for _, page in rendered:
        assert not page.charts and "legal department's list of care proceedings" in page.context["notes"][0]
