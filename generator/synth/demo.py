"""The synthetic demo dataset: four years of a large county's front door, at a 20% sample.

``generate_demo()`` simulates a county like Kent (about 1.5 million people) from 1 April 2014
to 31 March 2018, as the prototype tube map of the seed report (section 8) did, and returns
the canonical EventLog. Its figures match what that map and the DfE published: 12-month
re-referral about 23% but 60% within 36 months, 28% of assessments "not in need" and rising
with previous referrals, most strategy discussions leading to a section 47, 40% of those to a
conference and 86% of conferences to a plan, assessments taking a median of about 30 days,
seasonal dips in August and at Christmas, and a visible change after an Ofsted inspection.
Plans and periods of care are reviewed, children on protection plans are visited, care leavers'
pathway plans are reviewed and children in care at 16 have their needs assessed, children in
care go missing and are offered return interviews, and CP plan reviews drift late from January
2017 (`generator.synth.practice`).

Nothing in it is about a real child. It is deterministic for a seed.

What the frames hold, beyond the EventLog contract:

* ``record_id``: an episode (one referral, as a CIN census CINdetails) is ``E<n>``, numbered
  in the order episodes appear; its contact, referral, ``referral_nfa``, ``cin_start`` and
  ``cin_end`` carry it. Records inside it add a suffix: ``-A`` assessment, ``-S`` strategy
  discussion, section 47 and conference, ``-P`` CIN plan, ``-CP`` CP plan, ``-LA`` period of
  care. Early help assessments are ``H<n>``; other contacts have none.
* ``code``: a contact's outcome (``referral``, ``information_advice``, ``early_help``,
  ``nfa``); a referral's CIN census ReferralSource (``6`` police, ``2A`` schools...);
  ``cpp_start`` the InitialCategoryOfAbuse (``NEG``, ``EMO``, ``PHY``, ``SAB``, ``MUL``);
  the others as the vocabulary says.
* children opened before 1 April 2014 appear part-way: their records opened earlier are left
  out whole, so no end event lacks its start. A cin_end coded RC8 (NFA after assessment)
  has no cin_start: the child was never a child in need.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.synth.buffer import (
    EVENT,
    EventBuffer,
    EventColumns,
    Numbers,
    end_care_at_eighteen,
)
from generator.synth.contacts import contacts_without_referral
from generator.synth.days import day_number, defer_to_working_time, inspection_uplift, short_lag
from generator.synth.episodes import EpisodeInputs, simulate_episodes
from generator.synth.event_columns import to_event_log
from generator.synth.legal import add_legal_journeys
from generator.synth.practice import add_practice_events
from generator.synth.population import CONTACT_AGE_SHARES, Children, draw_children
from generator.synth.timelines import Simulated, simulate_referred

DEMO_START = pd.Timestamp("2014-04-01")
DEMO_END = pd.Timestamp("2018-03-31")
INSPECTION_DATE = pd.Timestamp("2016-05-16")
INSPECTION_LABEL = "Ofsted inspection"
DEMO_LA = "Demo County"
DEMO_SOURCE = "synth demo"

#: Share of the extract's children with a referral history (the rest only ever had contacts);
#: sets referrals to about 4,000 a year for 25,000 children, Kent's volume at 20%.
REFERRED_SHARE = 0.60
#: Referred children are simulated from this many years before the extract, so that it opens
#: on children who already have histories, as a real extract does.
BURN_IN_YEARS = 12
#: Children who only ever have contacts: how many each (geometric) and how far apart.
CONTACTS_PER_CHILD_MEAN = 3.2
CONTACTS_PER_CHILD_MAX = 12
CONTACT_GAP_MEAN_DAYS = 150
#: After the inspection, contacts that would have gone no further are referred instead; they
#: come from children's latest contacts (so no later contact sits inside the new episode).
MOST_CONVERTED = 0.9
#: Those extra referrals are of lower need: fewer child protection concerns than usual.
CONVERTED_CONCERN = 0.8
#: Second key of the random generator of `generator.synth.legal`.
LEGAL_STREAM = 903
#: Second key of the random generator of `generator.synth.practice`.
PRACTICE_STREAM = 19
#: What `synth demo` names the 903 history before the extract and the population estimates.
HISTORY_FILES = ("care_history_events", "care_history_children")
POPULATION_FILE = "population.csv"


def generate_demo(children: int = 25_000, seed: int = 2018) -> EventLog:
    """Simulate the demo county's front door.

    Parameters
    ----------
    children : int
        Number of distinct children in the extract (exactly this many).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives identical frames.

    Returns
    -------
    EventLog
        Events dated ``DEMO_START``..``DEMO_END`` (episodes open on 31 March 2018 stay
        open), and the children with an extra ``locality`` column (district).
    """
    rng = np.random.default_rng(seed)
    window = (day_number(DEMO_START), day_number(DEMO_END))
    inspection = day_number(INSPECTION_DATE)
    episodes, early_help = Numbers(), Numbers()

    n_referred = round(children * REFERRED_SHARE)
    burn_in_start = window[0] - int(BURN_IN_YEARS * 365.25)

    def referred_batch(n: int) -> Simulated:
        return simulate_referred(rng, n, burn_in_start, window, inspection, episodes, early_help)

    referred, referred_events = _first_with_events(rng, n_referred, window, referred_batch)
    contacted, contact_events = _contact_only_children(
        rng, children - n_referred, window, inspection, referred_events, episodes, early_help
    )
    contact_events.child += n_referred
    everyone = Children.concat(referred, contacted)
    events = EventColumns.concat(referred_events, contact_events)
    log = to_event_log(rng, everyone, events, DEMO_LA, DEMO_SOURCE)
    # Orders and placements within periods of care, then reviews and missing episodes, each
    # from a generator of its own (so the front door's figures are the same with or without them).
    log = add_legal_journeys(log, np.random.default_rng([seed, LEGAL_STREAM]), DEMO_END)
    return add_practice_events(log, np.random.default_rng([seed, PRACTICE_STREAM]), DEMO_END)


def generate_demo_history(demo: EventLog, seed: int = 2018) -> tuple[EventLog, pd.DataFrame]:
    """The county's 903 history from April 2002 and its population estimates, for ``demo``
    (`generator.synth.care_history`, from a generator of its own: the extract is unchanged)."""
    from generator.synth.care_history import HISTORY_STREAM, generate_care_history

    return generate_care_history(demo, np.random.default_rng([seed, HISTORY_STREAM]), DEMO_LA, DEMO_START, DEMO_END)


def extract(
    rng: np.random.Generator, events: EventColumns, children: Children, window: tuple[int, int]
) -> EventColumns:
    """The events an extract of the window holds: those dated in it, in records opened in it.

    Like a real extract, it opens on children part-way through: a child referred before
    1 April 2014 may first appear at the start of a plan or a period of care. Records are
    closed at 18 before the window's end is applied, since closing moves events earlier,
    possibly into the window; records opened before the window are dropped first, which keeps
    that step small.
    """
    events = events.take((events.anchor >= window[0]) & (events.day >= window[0]))
    events = end_care_at_eighteen(rng, events, children.adult_day - 1)
    return events.take(events.day <= window[1])


def _first_with_events(
    rng: np.random.Generator,
    wanted: int,
    window: tuple[int, int],
    simulate: Callable[[int], Simulated],
) -> tuple[Children, EventColumns]:
    """The first ``wanted`` simulated children with any event in the extract.

    Children are independent, so the first ones that qualify are as good a sample as any;
    batches are sized from the share that qualified so far, and usually one is enough.
    """
    children, events, got, share = [], [], 0, 0.45
    while got < wanted:
        batch = int((wanted - got) / share * 1.08) + 64
        sim = simulate(batch)
        extracted = extract(rng, sim.buffer.columns(), sim.children, window)
        chosen, new_index, share = _first_qualified(extracted.child, batch, wanted - got, got)
        extracted = extracted.take(new_index[extracted.child] >= 0)
        extracted.child = new_index[extracted.child]
        children.append(sim.children.take(chosen))
        events.append(extracted)
        got += len(chosen)
    return Children.concat(*children), EventColumns.concat(*events)


def _first_qualified(
    rows: np.ndarray, batch: int, wanted: int, offset: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """Of a batch's children, the first ``wanted`` that have any of ``rows``.

    Returns the chosen children, each batch child's new index (``offset`` onwards; -1 if not
    chosen), and the share of the batch that qualified (to size the next batch).
    """
    seen = np.zeros(batch, dtype=bool)
    seen[rows] = True
    qualified = np.flatnonzero(seen)
    chosen = qualified[:wanted]
    new_index = np.full(batch, -1, dtype=np.int64)
    new_index[chosen] = offset + np.arange(len(chosen))
    return chosen, new_index, max(len(qualified) / batch, 0.02)


def _contact_only_children(
    rng: np.random.Generator,
    wanted: int,
    window: tuple[int, int],
    inspection: int,
    referred_events: EventColumns,
    episodes: Numbers,
    early_help: Numbers,
) -> tuple[Children, EventColumns]:
    """Children known only through contacts, some referred in the push after the inspection."""
    children, child, day = _contact_histories(rng, wanted, window)
    order = np.lexsort((day, child))
    child, day = child[order], day[order]
    is_last = np.append(child[1:] != child[:-1], True)

    referrals = referred_events.day[referred_events.event == EVENT["referral"]]
    per_day = np.count_nonzero((referrals >= window[0]) & (referrals < inspection))
    per_day /= max(inspection - window[0], 1)
    uplift = inspection_uplift(day, inspection)
    candidate = is_last & (uplift > 0) & (day < children.adult_day[child] - 31)
    # Referrals added per day must be the uplift times the usual flow; the chance for each
    # candidate contact is that over how many candidates there are around its date. Quarters,
    # not shorter spans, so that the extra referrals keep the August and Christmas dips.
    quarter = np.clip((day - inspection) // 91, 0, None)
    density = np.bincount(quarter[candidate], minlength=quarter.max(initial=0) + 1) / 91
    chance = uplift * per_day / np.maximum(density[quarter], 1e-9)
    converted = candidate & (rng.random(len(day)) < np.minimum(chance, MOST_CONVERTED))

    buf = EventBuffer()
    c = np.flatnonzero(converted)
    referral = np.minimum(day[c] + short_lag(rng, len(c), 0.6, 3), window[1])
    simulate_episodes(
        rng,
        buf,
        EpisodeInputs(
            child=child[c],
            episode=episodes.take(len(c)),
            referral_day=referral,
            previous_referrals=np.zeros(len(c), dtype=np.int64),
            earliest_contact_day=day[c],
            uplift=inspection_uplift(referral, inspection),
            locality=children.locality[child[c]],
            age_days=referral - children.birth_month[child[c]],
            concern=CONVERTED_CONCERN,
        ),
        contact_day=day[c],
    )
    next_day = np.where(is_last, children.adult_day[child], np.append(day[1:], 0))
    rest = ~converted
    contacts_without_referral(rng, buf, early_help, child[rest], day[rest], next_day[rest])

    return children, extract(rng, buf.columns(), children, window)


def _contact_histories(
    rng: np.random.Generator, wanted: int, window: tuple[int, int]
) -> tuple[Children, np.ndarray, np.ndarray]:
    """``wanted`` children with contacts in the extract, and each contact's child and day.

    First contacts start three years before the extract so that the flow of repeat contacts
    is already steady when it opens.
    """
    width = CONTACTS_PER_CHILD_MAX
    children, child_parts, day_parts, got, share = [], [], [], 0, 0.6
    while got < wanted:
        batch = int((wanted - got) / share * 1.08) + 64
        first = rng.integers(window[0] - 3 * 365, window[1] + 1, batch)
        kids = draw_children(rng, first, CONTACT_AGE_SHARES)
        count = np.minimum(rng.geometric(1 / CONTACTS_PER_CHILD_MEAN, batch), width)
        gaps = 1 + rng.exponential(CONTACT_GAP_MEAN_DAYS, (batch, width)).astype(np.int64)
        gaps[:, 0] = 0
        days = first[:, None] + np.cumsum(gaps, axis=1)
        row, col = np.nonzero(np.arange(width)[None, :] < count[:, None])
        day = defer_to_working_time(rng, days[row, col])
        inside = (day >= window[0]) & (day <= window[1]) & (day < kids.adult_day[row])
        # Two contacts about one child on one day are one contact recorded twice.
        key = np.sort(row[inside] * (1 << 32) + day[inside])
        key = key[np.append(True, key[1:] != key[:-1])]
        row, day = key >> 32, key & ((1 << 32) - 1)
        chosen, new_index, share = _first_qualified(row, batch, wanted - got, got)
        keep = new_index[row] >= 0
        children.append(kids.take(chosen))
        child_parts.append(new_index[row[keep]])
        day_parts.append(day[keep])
        got += len(chosen)
    return Children.concat(*children), np.concatenate(child_parts), np.concatenate(day_parts)
