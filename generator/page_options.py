"""Every page kind's options: what a report.yaml page entry may say, checked when it loads.

The options live here, apart from the page kinds that use them (`generator.pages`), so that
reading and validating report.yaml (`generator.config`, `carejourneys validate`,
`carejourneys schema`) imports no analysis, chart or statistics library. A page kind names
its model with ``Options = page_options.<Kind>Options``; `PAGE_OPTIONS` is the one list of
kinds a report may name, and tests check it against the page registry.

Checks that need the file system (a Markdown source, a map file) are `file_problems`
methods, run by the config loader with the report's folder; checks that need the data run
when the page is prepared.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.errors import Problem
from generator.eventlog import VOCABULARY

#: A page's slug names its files and its link: only these characters are safe as a file name
#: on every system and as a URL (no '../', no '/', no 'javascript:', no '&').
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: Dates a report may name (annotations, periods): anything else is a typo, refused at load.
ReportDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]
#: Groups with fewer cases than this are named but not drawn (cohorts, junctions, rates).
MIN_DENOMINATOR = 30


class PageOptions(BaseModel):
    """Options every page has. Subclasses add `kind: Literal["<name>"]` and their own."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    slug: str = Field(pattern=SLUG_PATTERN, max_length=60, description="The page's file name (without .html): "
                      "lower-case letters, digits and hyphens (e.g. front-door); the first page's is 'index'.")
    title: str = Field(min_length=1, max_length=120)

    def file_problems(self, report_dir: Path, where: str) -> list[Problem]:
        """Problems with files this page names, relative to report.yaml's folder (none by default)."""
        return []


class WindowOptions(PageOptions):
    """A page option per linking window, in days; defaults as on the methods page (and as
    `generator.analyses.front_door.LinkWindows`: a test holds them equal)."""

    referral_to_assessment_days: int = Field(
        30, ge=0, le=365,
        description="An assessment (or a referral NFA) belongs to the child's latest referral at most this many days before it.")
    referral_to_strategy_days: int = Field(
        60, ge=0, le=365,
        description="A strategy discussion belongs to the child's latest referral at most this many days before it.")
    strategy_to_s47_days: int = Field(
        14, ge=0, le=365,
        description="A section 47 enquiry belongs to the child's latest strategy discussion at most this many days before it.")
    strategy_to_icpc_days: int = Field(
        60, ge=0, le=365,
        description="An initial child protection conference belongs to the child's latest strategy discussion at most this many days before it.")
    icpc_to_plan_days: int = Field(
        7, ge=0, le=365,
        description="A conference without an outcome code made a plan if a child protection plan started within this many days.")


class OverviewOptions(PageOptions):
    kind: Literal["overview"]
    intro: str = ""


class MarkdownOptions(PageOptions):
    kind: Literal["markdown"]
    source: str = Field(description="Markdown file, relative to report.yaml's folder.")

    def file_problems(self, report_dir: Path, where: str) -> list[Problem]:
        from generator.errors import InputError
        from generator.safepaths import inside_report

        try:
            path = inside_report(Path(report_dir), self.source, str(Path(report_dir) / "report.yaml"), where + ".source")
        except InputError as error:
            return error.problems
        if not path.is_file():
            return [Problem(str(path), where + ".source", f"page '{self.slug}' names this Markdown file, which does not exist",
                            "check the path (relative to report.yaml's folder)")]
        return []


class TrendsOptions(PageOptions):
    kind: Literal["trends"]
    events: list[str] = Field(
        default_factory=lambda: ["contact", "referral", "assessment_start", "s47"],
        description="Events to chart, one chart each, in this order.",
    )

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        unknown = [e for e in value if e not in VOCABULARY]
        if unknown:
            raise ValueError(f"unknown event(s) {', '.join(map(repr, unknown))[:200]}; use names from the event "
                             "vocabulary: " + ", ".join(VOCABULARY))
        if not value:
            raise ValueError("list at least one event")
        return value


class PeriodRange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: ReportDate
    end: ReportDate


class CompareOptions(BaseModel):
    """Two synced maps under one scrubber."""

    model_config = ConfigDict(extra="forbid")
    by: Literal["la", "sex", "age", "ethnicity", "disability", "period"] = Field(
        description="What differs between the two maps: a group of children, or the period.")
    left: str | PeriodRange = Field(description="The left map's group (its label, e.g. 'Female') or period.")
    right: str | PeriodRange = Field(description="The right map's group or period.")

    @field_validator("right")
    @classmethod
    def _same_kind(cls, value, info):
        by, left = info.data.get("by"), info.data.get("left")
        if by == "period" and not (isinstance(value, PeriodRange) and isinstance(left, PeriodRange)):
            raise ValueError("by: period needs left and right as {start, end}, e.g. left: {start: 2014-04-01, end: 2015-03-31}")
        if by is not None and by != "period" and not (isinstance(value, str) and isinstance(left, str)):
            raise ValueError(f"by: {by} needs left and right as group names, e.g. left: Female")
        return value


#: The maps a pathway_map page without `map:` chooses between, from the data.
FRONT_DOOR_MAP = "maps/front_door.yaml"
LOOKED_AFTER_MAP = "maps/looked_after.yaml"


class PathwayMapOptions(PageOptions):
    kind: Literal["pathway_map"]
    map: str | None = Field(None, description=(
        "The process map, relative to report.yaml's folder. Left out: maps/looked_after.yaml when the "
        "data holds periods of care (lac_start) and no front-door events (SSDA903 data alone), "
        "else maps/front_door.yaml."))
    intro: str = ""
    compare: CompareOptions | None = None
    autoplay: bool = Field(True, description="Start playing on opening (never with reduced motion).")

    def file_problems(self, report_dir: Path, where: str) -> list[Problem]:
        """The map files this page may draw, loaded and checked (a page without `map:` may draw
        either default)."""
        from generator.pathway.process_map import ProcessMap, map_path  # pydantic and YAML only
        from generator.errors import InputError

        problems = []
        for name in [self.map] if self.map else [FRONT_DOOR_MAP, LOOKED_AFTER_MAP]:
            try:
                file = map_path(name, report_dir)
            except InputError as error:
                problems += [Problem(p.file, where + ".map", p.message, p.fix) for p in error.problems]
                continue
            try:
                ProcessMap.load(file)
            except InputError as error:
                problems += [Problem(p.file, p.where, p.message + f" (the map of pages {where})", p.fix) for p in error.problems]
        return problems


class ForecastOptions(PageOptions):
    kind: Literal["forecast"]
    map: str | None = Field(None, description=(
        "The process map whose stations are forecast, relative to report.yaml's folder; left out, as "
        "the pathway map's default."))
    intro: str = ""
    horizon: int = Field(24, ge=12, le=24, description="Months ahead forecast (12 to 24).")
    stations: list[str] | None = Field(None, description=(
        "Station ids charted one by one (all stations are in the table and the download); left out: "
        "looked_after, cp_plan and cin_plan, those of them the map has, else every station."))
    draws: int = Field(2000, ge=200, le=20000, description="Simulated futures behind the intervals.")
    seed: int = Field(0, ge=0, description="Seed of the simulation (same seed, same forecast).")
    costs: str | None = Field(None, description=(
        "Unit costs per day at each station and per event, relative to report.yaml's folder; left out: "
        "costs.yaml beside report.yaml when there is one, else the packaged defaults (PSSRU)."))

    def file_problems(self, report_dir: Path, where: str) -> list[Problem]:
        """The map this page forecasts over, loaded and checked (as the pathway map's)."""
        return PathwayMapOptions(kind="pathway_map", slug=self.slug, title=self.title, map=self.map).file_problems(
            report_dir, where)


class RereferralOptions(WindowOptions):
    kind: Literal["rereferrals"]
    intro: str = (
        "How often children come back to the front door. The Department for Education counts a "
        "referral as a re-referral when the same child had a referral in the 12 months before; "
        "looking back three years, and following each referral forward, shows how much repeat "
        "demand the 12-month figure leaves out."
    )


class JunctionOptions(WindowOptions):
    kind: Literal["junctions"]
    intro: str = (
        "Where cases go at each decision point of the front door, and whether that changes. Each "
        "share is of the cases that reached the junction in the period and whose next step is "
        "known; the bars and bands show 95% intervals. These are decisions recorded at each junction, "
        "linked to their referral: the pathway map's 'where children went next' counts every move of a "
        "child's dot, time limits and closures included, and the overview's assessments ending in no "
        "further action counts every authorised assessment, linked or not."
    )
    frequency: Literal["auto", "month", "quarter"] = Field(
        "auto", description="Time step of the junction charts; auto uses quarters for a junction whose months average "
                            f"fewer than {MIN_DENOMINATOR} decisions.")


class TimelinessOptions(WindowOptions):
    kind: Literal["timeliness"]
    intro: str = (
        "How long the front door's steps take, in working days (Monday to Friday, not counting "
        "bank holidays in England and Wales), against the statutory timescales: an assessment "
        "authorised within 45 working days, and an initial child protection conference within 15 "
        "working days. Unless the report says otherwise, both are on the Department for Education's "
        "published basis: every completed assessment, and conferences timed from the start of the "
        "section 47 enquiry."
    )
    assessment_clock: Literal["assessment_start", "referral"] = Field(
        "assessment_start", description="Time assessments from their start (as the DfE's published figures) or from the referral.")
    assessment_basis: Literal["all", "linked"] = Field(
        "all", description="All completed assessments (DfE) or only those linked to a referral (always so with the referral clock).")
    conference_clock: Literal["s47", "strategy"] = Field(
        "s47", description="Time conferences from the section 47 start (DfE) or from the strategy discussion (Working Together).")


#: The workload page's stages (`generator.analyses.workload.STAGES` has their events; a test
#: holds the two lists equal).
StageKey = Literal["early_help", "assessment", "cin_plan", "cp_plan", "looked_after"]
STAGE_KEYS = ("early_help", "assessment", "cin_plan", "cp_plan", "looked_after")


class WorkloadOptions(PageOptions):
    kind: Literal["workload"]
    intro: str = (
        "How much work sits at each stage of children's social care, week by week, and how much "
        "comes in and goes out each month. A case is open from the day it starts until the day "
        "it ends."
    )
    stages: list[StageKey] = Field(default_factory=lambda: list(STAGE_KEYS),
                                   description="Stages to chart: " + ", ".join(STAGE_KEYS) + ".")
    breakdown: str | None = Field(None, description="Column naming the team or locality (on the events or the children); "
                                                    "default: team or locality when the data has one.")
    breakdown_stage: StageKey = Field("assessment", description="The stage whose open cases are broken down.")

    @field_validator("stages")
    @classmethod
    def _some(cls, value):
        if not value:
            raise ValueError("list at least one stage")
        return value


class FlowOptions(WindowOptions):
    kind: Literal["flows"]
    intro: str = (
        "Where referrals went, year by year: each band is as wide as the number of referrals "
        "taking that route, from where they came from (a re-referral within 12 months, or not) "
        "through assessment to child protection. A band that stops has reached the end of the "
        "front door's part of the journey."
    )


class CohortOptions(WindowOptions):
    kind: Literal["cohorts"]
    intro: str = (
        "Whether the front door's decisions and timescales differ between groups of children. "
        "Each dot is a group's rate with its 95% interval; the dark tick is the rate for all "
        "children. Groups too small to say anything are named but not drawn. Differences "
        "describe what happened; they do not by themselves show why."
    )
    attributes: list[str] = Field(default_factory=list, description="Other columns of the children table to split by, e.g. [locality].")
    min_group_size: int = Field(MIN_DENOMINATOR, ge=1, description="Groups with fewer cases are named but not drawn.")


#: The events page's monthly measures (`generator.analyses.interrupted.MEASURES` defines
#: them; a test holds the two lists equal).
MeasureKey = Literal["referrals", "referral_nfa", "assessment_to_strategy", "assessment_nfa", "rereferral_12m", "assessment_within_45wd"]
MEASURE_KEYS = ("referrals", "referral_nfa", "assessment_to_strategy", "assessment_nfa", "rereferral_12m", "assessment_within_45wd")


class EventOptions(WindowOptions):
    kind: Literal["events"]
    intro: str = (
        "How the front door's key measures moved around each dated event in this report. For "
        "each measure, a trend with the usual month-of-year pattern is fitted to the months before "
        "and another to the months after (a segmented regression: Poisson for counts, binomial for "
        "rates); the dashed line carries the trend before on, for comparison. Intervals allow for "
        "neighbouring months being alike, and a placebo check fits the same model at every month "
        "before the date, to show how often it finds a change where none was made. "
        "A change at the date is a description of the data: anything else that changed then "
        "would look the same, so it does not show that the event caused it."
    )
    measures: list[MeasureKey] = Field(default_factory=lambda: list(MEASURE_KEYS),
                                       description="Monthly measures to show: " + ", ".join(MEASURE_KEYS) + ".")
    months_before: int = Field(24, ge=3, le=120, description="Months before the event used for the fit.")
    months_after: int = Field(12, ge=3, le=120, description="Months after the event used for the fit.")
    newey_west_lags: int | None = Field(None, ge=0, le=12, description=(
        "Lag of the Newey-West errors (default floor(4 (n/100)^(2/9)), 3 for 36 months); intervals are never narrower "
        "than the independent ones whatever the lag."))


class DataQualityOptions(PageOptions):
    kind: Literal["data_quality"]
    intro: str = ""


class FidelityOptions(PageOptions):
    kind: Literal["fidelity"]
    intro: str = (
        "The animated map of a published report shows synthetic twins: children drawn from a model "
        "of the journeys in the data, so that no dot is a real child. Here the twins are set beside "
        "the real data, so that a reader can see what the model keeps and where it falls short."
    )


PRACTICES_FOLDER = "practices"


class KeyPracticesOptions(PageOptions):
    kind: Literal["key_practices"]
    intro: str = (
        "Key practices are things that should always happen. Each chart counts, month by month, the "
        "times a practice fell due and was not done in time, and shows whether the variation is the "
        "usual noise of the process or a signal worth a look (NHS England's Making Data Count). A "
        "breach is a prompt to learn how the system works, not to blame a worker.")
    rules: str | None = Field(None, description=(
        "A folder of rule files (*.yaml, as content/practices/), relative to report.yaml's folder. "
        "Left out: the default set shipped with carejourneys."))
    rebase: list[dt.date] = Field(default_factory=list, description=(
        "Dates from which the process is new (a new team, a new procedure): the control limits are "
        "recalculated from the first month on or after each."))
    charts: dict[str, Literal["auto", "p", "p_prime", "c", "xmr", "g", "t"]] = Field(default_factory=dict, description=(
        "Rule file name (without .yaml) -> chart: p (p-chart with binomial probability limits; Laney p' "
        "when over-dispersed), p_prime, c (breaches a month, Poisson probability limits), xmr (breaches a "
        "month on Making Data Count's XmR; with 10 or fewer a month it signals by chance more often than "
        "its rules allow), g or t (rare breaches; internal reports only, a public one draws a p-chart). "
        "Default auto: g when breaches average under one a month, else p."))

    def rules_folder(self, report_dir) -> Path:
        """The rules folder: ``rules`` relative to report.yaml's folder, else the packaged default."""
        from generator.resources import resource_dir

        if self.rules is None:
            return resource_dir("content") / PRACTICES_FOLDER
        folder = Path(self.rules)
        return folder if folder.is_absolute() else Path(report_dir or ".") / folder

    def file_problems(self, report_dir: Path, where: str) -> list[Problem]:
        """The rule files, loaded and checked; a chart named for a rule that is not there."""
        from generator.errors import InputError
        from generator.practice_rules import load_rules  # pydantic and YAML only

        folder = self.rules_folder(report_dir)
        if not folder.is_dir():
            return [Problem(str(folder), f"pages {where}.rules", "is not a folder",
                            "name a folder of rule files (*.yaml) relative to report.yaml, or leave `rules` out")]
        try:
            rules = load_rules(folder)
        except InputError as error:
            return [Problem(p.file, p.where, p.message + f" (the rules of pages {where})", p.fix) for p in error.problems]
        return [Problem("report.yaml", f"pages {where}.charts.{key}", f"no rule file '{key}.yaml' in {folder}",
                        "name a rule by its file name without .yaml: " + ", ".join(rules))
                for key in self.charts if key not in rules]
class IncidenceOptions(PageOptions):
    kind: Literal["incidence"]
    intro: str = (
        "How many children enter care at some point in childhood, not just on one day. Each line "
        "follows the children born in one year: the share who had entered care by each age. "
        "\"First\" means first in this local authority's records: a child who was looked after "
        "elsewhere before counts here from their first entry here."
    )
    event: Literal["lac_start", "referral", "cin_start", "cpp_start"] = Field(
        "lac_start", description="The first event counted: lac_start (entry to care), referral, cin_start (became a child "
                                 "in need) or cpp_start (child protection plan).")
    reference_ethnicity: str = Field("WBRI", description="The ethnic group (DfE code) the rate ratios compare with.")


class SequencesOptions(PageOptions):
    kind: Literal["sequences"]
    intro: str = (
        "Care histories grouped by what happened month by month after a child first entered care. "
        "Children whose histories are alike fall in one group; each group is shown by the share "
        "of its children in each state in each month since entry, and by its commonest state "
        "month by month. Only these totals are shown: no child's own history is."
    )
    months: int = Field(36, ge=6, le=120, description="Months after first entry compared; only children followed "
                                                      "that long are grouped.")
    method: Literal["lcs", "om"] = Field("lcs", description="Dissimilarity: lcs (optimal matching, indel 1, substitution 2) "
                                                           "or om (indel 1, substitution 1).")
    placement_types: bool = Field(False, description="In care, show the placement type instead of the legal status.")
    groups: int | None = Field(None, ge=2, le=10, description="Number of groups; default: the best average silhouette width.")
    max_groups: int = Field(8, ge=2, le=10, description="The most groups considered.")


class TimelineOptions(PageOptions):
    kind: Literal["timeline"]
    child_id: str = Field(min_length=1, description="The child whose records are drawn (internal reports only).")
    intro: str = (
        "One child's records across the returns, one lane each: referrals, assessments, plans, "
        "periods of care, legal statuses, placements and missing episodes."
    )


#: Final orders the court pages count (`generator.analyses.court.SIX_ORDERS`; a test holds the
#: two lists equal).
OrderKey = Literal["supervision_order", "care_order", "placement_order", "sgo", "sgo_with_supervision",
                   "child_arrangements_order"]
ORDER_KEYS = ("supervision_order", "care_order", "placement_order", "sgo", "sgo_with_supervision",
              "child_arrangements_order")


class CourtOrdersOptions(PageOptions):
    kind: Literal["court_orders"]
    intro: str = (
        "Which final orders the courts made for children in care proceedings, year by year, and how often "
        "children came back to court for new proceedings after each. Shares are of all children whose "
        "proceedings ended in one of the orders shown that year, with 95% intervals; the dashed line is each "
        "order's fitted trend. Returning to court is counted until the child turns 18, which ends the watch: "
        "turning 18 is a competing event, not a loss to follow-up."
    )
    orders: list[OrderKey] = Field(default_factory=lambda: list(ORDER_KEYS),
                                   description="Final orders counted: " + ", ".join(ORDER_KEYS) + ".")
    by: Literal["la", "area"] = Field("la", description="What an area is when the data hold several: la (the LA's "
                                                        "subfolder) or area (the court or DFJ area column).")
    horizon_years: int = Field(5, ge=1, le=10, description="Years after the final order that return to court is followed.")

    @field_validator("orders")
    @classmethod
    def _some_orders(cls, value):
        if not value:
            raise ValueError("list at least one final order")
        return value


class FunnelOptions(PageOptions):
    kind: Literal["funnel"]
    intro: str = (
        "How one proportion varies between areas, against what chance alone would give. Each dot is an area; "
        "the lines are the limits within which 95% and 99.8% of areas would fall if every area had the same "
        "underlying rate, given its size. Areas outside the 99.8% limits are named. Small areas vary more, "
        "which is why the limits narrow as the denominator grows."
    )
    source: Literal["proceedings", "areas"] = Field(
        "proceedings", description="proceedings (the proceedings lists of the data's LAs) or areas (an area-aggregates table).")
    numerator_orders: list[OrderKey] = Field(default_factory=lambda: ["supervision_order"], description=(
        "With source proceedings: the final orders counted in the numerator (of all orders in `orders`)."))
    orders: list[OrderKey] = Field(default_factory=lambda: list(ORDER_KEYS),
                                   description="With source proceedings: the final orders of the denominator.")
    by: Literal["la", "area"] = Field("la", description="With source proceedings: areas are LAs (la) or the court or "
                                                        "DFJ area column (area).")
    years: list[int] = Field(default_factory=list, description="With source proceedings: years of the final order "
                                                               "counted (default all).")
    measure: str | None = Field(None, description="With source areas: the measure (a file may hold several; default: "
                                                  "the only one).")
    period: str | None = Field(None, description="With source areas: the period compared (default the latest).")
    method: Literal["exact", "wilson", "multiplicative", "additive"] = Field(
        "additive", description="Limits: exact (binomial, Spiegelhalter), wilson, multiplicative (phi) or additive "
                                "(tau-squared, DerSimonian-Laird after 10% winsorisation, FunnelPlotR's default).")
    highlight: str | None = Field(None, description="The area to highlight (default the data's LA when it holds one).")
    rate_title: str = Field("Share (%)", max_length=80, description="The rate's axis title.")


class ProfilesOptions(PageOptions):
    kind: Literal["profiles"]
    intro: str = (
        "The problems social workers recorded at assessment for the same children at the start of care "
        "proceedings, at their end, and some years on. Only children assessed at all three points are counted, "
        "so each factor compares the same children. A dagger marks a significant change from the start to the "
        "end of proceedings, a double dagger from the end to the follow-up (exact McNemar tests, Holm-corrected "
        "within each factor, after Cochran's Q across the three points)."
    )
    follow_up_years: float = Field(4.0, ge=0.5, le=10, description="Years after the final order of the follow-up point.")
    window_days: int = Field(183, ge=1, le=730, description="An assessment counts at a point when it is at most this "
                                                            "many days from it (the nearest is used).")
    factors: list[str] = Field(default_factory=list, description="CIN assessment factor codes shown (default: the "
                                                                 "carers' 1B-6B and every child factor recorded).")
    orders: list[OrderKey] = Field(default_factory=lambda: list(ORDER_KEYS),
                                   description="Children whose proceedings ended in one of these orders are profiled.")

    @field_validator("factors")
    @classmethod
    def _factor_codes(cls, value: list[str]) -> list[str]:
        # The shape of a CIN census code (1B, 24A, 21); which codes exist is the reader's list.
        bad = [code for code in value if not re.fullmatch(r"\d{1,2}[A-F]?", str(code).strip().upper())]
        if bad:
            raise ValueError(f"not CIN assessment factor codes: {', '.join(map(repr, bad))[:200]}; use codes such as "
                             "1B, 3A, 21")
        return [str(code).strip().upper() for code in value]
class LegalOptions(PageOptions):
    """Options of the pages built on the legal department's proceedings list: how its rows are
    linked to the children's records (`generator.analyses.linkage`). The linkage and
    proceedings pages of one report should give the same values, so that they count the same
    links."""

    match_probability: float = Field(0.9, gt=0, le=1, description=(
        "A row's best candidate child is a match at or above this Fellegi-Sunter match probability (and clearly "
        "ahead of the next candidate)."))
    review_probability: float = Field(0.2, gt=0, le=1, description=(
        "Between this probability and match_probability the pair goes to clerical review; below it, no match."))

    @field_validator("review_probability")
    @classmethod
    def _below_match(cls, value, info):
        match = info.data.get("match_probability")
        if match is not None and value > match:
            raise ValueError(f"must not be above match_probability ({match})")
        return value


class LinkageOptions(LegalOptions):
    kind: Literal["linkage"]
    intro: str = (
        "How the legal department's list of children in care proceedings was matched to the children's "
        "records, and how well. The list has no social care id: each row is matched on the child's names, "
        "date of birth and sex (or, without names, on the date of birth, sex and the legal statuses "
        "proceedings leave in the looked-after return). A match that misses some children more than "
        "others would bias every figure built on it, so the match rate is shown by group, and linked rows "
        "are set beside unlinked ones."
    )


class ProceedingsOptions(LegalOptions):
    kind: Literal["proceedings"]
    intro: str = (
        "Children's journeys through care proceedings, from the legal department's list linked to their "
        "records: where each child was before proceedings, during them and at their end; how many were "
        "never looked after; how long proceedings took against the 26-week limit; and how long children "
        "who entered care with proceedings stayed, against those without."
    )
    smallest_flow: int = Field(10, ge=1, le=1000, description=(
        "In the flow diagram, a status or order with fewer children is merged into 'Other' in its column."))
    weeks: int = Field(104, ge=26, le=520, description="How many weeks after entering care the leaving-care curves run.")


#: Every page kind a report may name, by its `kind`: the one list (generator.pages registers
#: the page kind of each, and a test holds the two equal).
PAGE_OPTIONS: dict[str, type[PageOptions]] = {
    model.model_fields["kind"].annotation.__args__[0]: model  # type: ignore[union-attr]
    for model in (
        OverviewOptions, TrendsOptions, MarkdownOptions, PathwayMapOptions, RereferralOptions, JunctionOptions,
        TimelinessOptions, WorkloadOptions, FlowOptions, CohortOptions, EventOptions, DataQualityOptions,
        FidelityOptions, KeyPracticesOptions, IncidenceOptions, SequencesOptions, TimelineOptions,
        CourtOrdersOptions, FunnelOptions, ProfilesOptions,
        ForecastOptions,
        LinkageOptions, ProceedingsOptions,
    )
}
