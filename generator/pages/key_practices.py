"""Key practices (seed section 7): rules that should always hold, their breaches on SPC charts.

For every rule in the rules folder: the breaches and the population at risk by month on the
chart that suits them (`generator.analyses.practice_spc`), with the variation and assurance
verdicts in words; a summary table across rules with the current signal; the rules these data
cannot evaluate, each with why, never as zero breaches; in internal reports only, each breach
(child id and dates) for review; and a short review prompt from the Just Culture guide the
seed report quotes, so that a breach starts learning about the system, not blame.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses.practice_spc import choose_chart, drawn_kind, practice_chart
from generator.analyses.practices import evaluate_practices
from generator.analyses.spc_rules import RULES, assurance, variation
from generator.charts.spc import KIND_NAMES, POINT_LABELS, spc_chart
from generator.page_options import KeyPracticesOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.practice_rules import load_rules
from generator.published import Derived, Table

#: The Just Culture guide's questions (NHS Improvement 2018), as the seed report quotes them
#: (section 7), put to a breach of a practice rather than to an incident.
REVIEW_PROMPT = (
    "Is there an agreed protocol or accepted practice for this step, and is it workable and in routine use?",
    "Did anyone knowingly depart from it, and if so, why did that seem the right thing to do at the time?",
    "Would others in the same team, with comparable experience, have done the same in the same circumstances?",
    "Was the worker missed out when training was given to their peers?",
    "Did more senior members of the team provide the supervision that should normally be provided?",
)
ASSURANCE_LABELS = {"pass": "Consistently meets the target", "fail": "Consistently fails the target",
                    "hit_and_miss": "Meets the target only some months (hit and miss)"}
#: Breaches listed on the page (all are in the internal CSV).
BREACHES_SHOWN = 50


def _date(value) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


class KeyPracticesPage(PageKind):
    kind = "key_practices"
    group = "quality"
    Options = KeyPracticesOptions

    def render(self, options: KeyPracticesOptions, ctx: PageContext) -> RenderedPage:
        rules = load_rules(options.rules_folder(ctx.report_dir))
        results = evaluate_practices(ctx.log, rules, data_end=min(ctx.period.end, ctx.log.last_date)
                                     if ctx.log.last_date is not None else None, data_start=ctx.period.start)
        charts, sections, summary, unmeasured, downloads = [], [], [], [], {}
        for key, result in results.items():
            rule = result.rule
            if not result.measurable:
                unmeasured.append({"name": rule.name, "source": rule.source, "why": result.reason})
                continue
            kind = choose_chart(result, options.charts.get(key, "auto"), rare_allowed=not ctx.public)
            if ctx.public and kind in ("g", "t"):
                kind = "p"  # one point per breach would date each breach: counts by month instead
            table = practice_chart(result, kind, options.rebase)
            kind = drawn_kind(result, kind, table, options.rebase)
            rate = kind in ("p", "p_prime")
            improvement = "increase" if kind in ("g", "t") else "decrease"
            target = rule.target / 100 if (rule.target is not None and rate) else None
            measure = {"p": "the share of occasions in breach", "p_prime": "the share of occasions in breach",
                       "xmr": "breaches a month", "c": "breaches a month", "g": "occasions between breaches",
                       "t": "days between breaches"}[kind]
            chart = spc_chart(f"{options.slug}-{key.replace('_', '-')}", table, title=rule.name, kind=kind,
                              measure=f"{measure} ({rule.population.lower()})", percent=rate,
                              y_title={"xmr": "Breaches", "c": "Breaches", "g": "Occasions between breaches",
                                       "t": "Days between breaches"}.get(kind, "Share in breach"),
                              annotations=list(ctx.annotations), target=target)
            # The months add up to the summary table's occasions and breaches of the rule.
            chart.totals = {(): {"numerator": f"key practice {rule.name}: breaches",
                                 "denominator": f"key practice {rule.name}: occasions"}}
            charts.append(chart)
            verdict = variation(table)
            sure = assurance(table, target, improvement)
            last = table[table["value"].notna()].iloc[-1] if table["value"].notna().any() else None
            summary.append({
                "rule": rule.name, "chart": KIND_NAMES[kind],
                "occasions": int(result.monthly["population"].sum()), "breaches": int(result.monthly["breaches"].sum()),
                "latest_month": "" if last is None else f"{pd.Timestamp(last['month']):%b %Y}",
                "variation": POINT_LABELS.get(verdict, "") if verdict else "",
                "signal": "" if last is None else RULES.get(last["signal"], ""),
                "assurance": ASSURANCE_LABELS.get(sure, "No target set" if target is None else ""),
            })
            breaches = None
            if not ctx.public:
                listed = result.breaches.assign(start=result.breaches["start"].map(_date),
                                                due=result.breaches["due"].map(_date),
                                                done=result.breaches["done"].map(lambda d: _date(d) or "not done"))
                breaches = {"rows": listed.head(BREACHES_SHOWN).to_dict("records"), "total": len(listed),
                            "csv": f"{options.slug}-{key.replace('_', '-')}-breaches"}
                downloads[breaches["csv"]] = Table(listed[["child_id", "start", "due", "done"]], counts=[])
            sections.append({"id": chart.id, "source": rule.source, "population": rule.population,
                             "variation": POINT_LABELS.get(verdict, "") if verdict else "",
                             "assurance": ASSURANCE_LABELS.get(sure, ""), "breaches": breaches,
                             "rebased": bool(options.rebase)})
        frame = pd.DataFrame(summary, columns=["rule", "chart", "occasions", "breaches", "latest_month", "variation",
                                               "signal", "assurance"])
        # float: a summary with no rule measured (court data alone) is empty, and of object dtype.
        occasions, breaches = frame["occasions"].astype(float), frame["breaches"].astype(float)
        frame["pct"] = (breaches / occasions.where(occasions > 0) * 100).round(1)
        published = Table(frame, counts=["occasions", "breaches"], groups=[("rule",)],
                          rates={"pct": ("breaches", "occasions")},
                          names={"breaches": "key practice {rule}: breaches", "occasions": "key practice {rule}: occasions"})
        downloads[f"{options.slug}-summary"] = published
        return RenderedPage(
            template="key_practices.html", charts=charts, downloads=downloads,
            context={"intro": options.intro, "summary": Derived(published, lambda shown: shown.astype(object).to_dict("records")),
                     "summary_csv": f"{options.slug}-summary", "sections": sections, "unmeasured": unmeasured,
                     "prompt": REVIEW_PROMPT, "public": ctx.public,
                     "rebase": [f"{pd.Timestamp(d):%d %B %Y}" for d in options.rebase], "rules": RULES})
