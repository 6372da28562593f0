"""The proceedings Sankey described in words, whole and as a public report publishes it."""

from __future__ import annotations

import pandas as pd

from generator.analyses import proceedings as legal
from generator.pages.proceedings import flow_sentence


def _links(rows):
    return pd.DataFrame(rows, columns=["source", "target", "count"])


def test_a_whole_sankey_says_how_many_sets_of_proceedings_it_draws():
    before, during, end = legal.BEFORE[0], list(legal.DURING.values())[0], list(legal.END.values())[0]
    words = flow_sentence(_links([(before, during, 265), (during, end, 265)]))
    assert words.startswith("Flow diagram of 265 children's sets of proceedings")


def test_a_sankey_with_hidden_flows_claims_no_total_and_says_its_sums_are_of_the_flows_shown():
    # A public build drew one first-column flow of 24 and described "24 children's sets of
    # proceedings" on a page whose list has 356 rows.
    before, during, end = legal.BEFORE[0], list(legal.DURING.values())[0], list(legal.END.values())[0]
    words = flow_sentence(_links([(before, during, 24), (during, end, 106)]), hidden=True)
    assert "24 children's sets" not in words and "Flow diagram of children's sets of proceedings" in words
    assert "add up only the flows shown" in words
