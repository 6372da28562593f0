"""The page kinds, registered here and nowhere else.

report.yaml's `pages:` list names kinds from `PAGE_KINDS`; each entry's options are checked
against that kind's `Options` model. Our own pages use exactly this registry, as a new kind
would: a module in this package with a `PageKind` subclass, and one line below.
"""

from __future__ import annotations

from generator.pages.base import PageKind
from generator.pages.cohorts import CohortPage
from generator.pages.court_orders import CourtOrdersPage
from generator.pages.data_quality import DataQualityPage
from generator.pages.events import EventPage
from generator.pages.fidelity import FidelityPage
from generator.pages.incidence import IncidencePage
from generator.pages.sequences import SequencesPage
from generator.pages.timeline import TimelinePage
from generator.pages.flows import FlowPage
from generator.pages.funnel import FunnelPage
from generator.pages.forecast import ForecastPage
from generator.pages.junctions import JunctionPage
from generator.pages.key_practices import KeyPracticesPage
from generator.pages.linkage import LinkagePage
from generator.pages.markdown_page import MarkdownPage
from generator.pages.overview import OverviewPage
from generator.pages.pathway_map import PathwayMapPage
from generator.pages.profiles import ProfilesPage
from generator.pages.proceedings import ProceedingsPage
from generator.pages.rereferrals import RereferralPage
from generator.pages.timeliness import TimelinessPage
from generator.pages.trends import TrendsPage
from generator.pages.workload import WorkloadPage

PAGE_KINDS: dict[str, type[PageKind]] = {
    kind.kind: kind
    for kind in (
        OverviewPage,
        TrendsPage,
        MarkdownPage,
        PathwayMapPage,
        RereferralPage,
        JunctionPage,
        TimelinessPage,
        WorkloadPage,
        FlowPage,
        CohortPage,
        EventPage,
        DataQualityPage,
        FidelityPage,
        KeyPracticesPage,
        IncidencePage,
        SequencesPage,
        TimelinePage,
        CourtOrdersPage,
        FunnelPage,
        ProfilesPage,
        ForecastPage,
        LinkagePage,
        ProceedingsPage,
    )
}
