"""Writers: an EventLog written in the formats LAs already have (the inverse of ingest).

`synth demo --format` uses them to show users what their files should look like, and the
round-trip tests read each back. One module per format; `WRITERS` is the one place they are
listed. A format carries only some events (a CIN census has no contacts; Annex A dates an NFA
at its referral): `CARRIES` says which, for the round-trip tests and the documentation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from generator.eventlog import EventLog


def _events(log: EventLog, out_dir: Path) -> list[Path]:
    from generator.ingest.tidy import write_tidy

    return write_tidy(log, out_dir, "csv")


def _903(log: EventLog, out_dir: Path) -> list[Path]:
    from generator.export.ssda903 import write_903

    return write_903(log, out_dir)


def _903_xml(log: EventLog, out_dir: Path) -> list[Path]:
    from generator.export.ssda903 import write_903_xml

    return write_903_xml(log, out_dir)


def _cin(log: EventLog, out_dir: Path) -> list[Path]:
    from generator.export.cin_census import write_cin

    return write_cin(log, out_dir)


def _annex_a(log: EventLog, out_dir: Path) -> list[Path]:
    from generator.export.annex_a import write_annex_a

    return write_annex_a(log, out_dir)


WRITERS: dict[str, Callable[[EventLog, Path], list[Path]]] = {
    "events": _events,
    "903": _903,
    "903_xml": _903_xml,
    "cin": _cin,
    "annex_a": _annex_a,
}

CARRIES: dict[str, tuple[str, ...]] = {
    "903": ("lac_start", "lac_end", "legal_status", "placement", "missing_start", "missing_end", "lac_review",
            "return_interview_offered"),
    "903_xml": ("lac_start", "lac_end", "legal_status", "placement", "missing_start", "missing_end", "lac_review",
                "return_interview_offered"),
    "cin": ("referral", "referral_nfa", "cin_start", "assessment_start", "assessment_authorised", "s47", "icpc",
            "cin_plan_start", "cin_plan_end", "cpp_start", "cpp_end", "cpp_review", "cin_end"),
    "annex_a": ("contact", "early_help_assessment_start", "early_help_assessment_completion", "referral",
                "referral_nfa", "assessment_start", "assessment_authorised", "s47", "icpc", "cin_plan_start",
                "cin_plan_end", "cpp_start", "cpp_end", "lac_start", "lac_end"),
}
