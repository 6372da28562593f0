"""Options shared by the front-door analytics pages: the time windows that link one step of
a child's journey to the next (defined in `generator.analyses.front_door`)."""

from __future__ import annotations

from pydantic import Field

from generator.analyses.front_door import LinkWindows
from generator.pages.base import PageOptions

_DEFAULTS = LinkWindows()


class WindowOptions(PageOptions):
    """A page option per linking window, in days; defaults as on the methods page."""

    referral_to_assessment_days: int = Field(
        _DEFAULTS.referral_to_assessment, ge=0, le=365,
        description="An assessment (or a referral NFA) belongs to the child's latest referral at most this many days before it.")
    referral_to_strategy_days: int = Field(
        _DEFAULTS.referral_to_strategy, ge=0, le=365,
        description="A strategy discussion belongs to the child's latest referral at most this many days before it.")
    strategy_to_s47_days: int = Field(
        _DEFAULTS.strategy_to_s47, ge=0, le=365,
        description="A section 47 enquiry belongs to the child's latest strategy discussion at most this many days before it.")
    strategy_to_icpc_days: int = Field(
        _DEFAULTS.strategy_to_icpc, ge=0, le=365,
        description="An initial child protection conference belongs to the child's latest strategy discussion at most this many days before it.")
    icpc_to_plan_days: int = Field(
        _DEFAULTS.icpc_to_plan, ge=0, le=365,
        description="A conference without an outcome code made a plan if a child protection plan started within this many days.")

    def link_windows(self) -> LinkWindows:
        return LinkWindows(
            referral_to_assessment=self.referral_to_assessment_days,
            referral_to_strategy=self.referral_to_strategy_days,
            strategy_to_s47=self.strategy_to_s47_days,
            strategy_to_icpc=self.strategy_to_icpc_days,
            icpc_to_plan=self.icpc_to_plan_days,
        )


def share(count: int, n: int) -> str:
    """"23.4% (1,234 of 5,273)", or "no cases" when ``n`` is 0: how a page quotes a rate."""
    if n == 0:
        return "no cases"
    return f"{100 * count / n:.1f}% ({count:,} of {n:,})"
