"""Care histories as monthly sequences, and their grouping on unique sequences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import adjusted_rand_score, silhouette_score

from generator.analyses.sequence_clustering import (
    cut_tree, dissimilarities, group_distance_sums, number_by_first_child, silhouette_widths, unique_sequences,
    weighted_ward,
)
from generator.analyses.sequences import care_sequences, chronograms, group_care_histories, group_characteristics
from generator.eventlog import EventLog


def log_of(rows, end="2020-12-31") -> EventLog:
    events = pd.DataFrame(rows, columns=["child_id", "event", "date", "code"])
    # A closing event fixes the log's last date.
    events = pd.concat([events, pd.DataFrame([["Z", "contact", end, None]], columns=events.columns)])
    return EventLog.from_frames(events)


def test_care_history_reads_legal_status_adoption_placement_and_reason_for_leaving():
    log = log_of([
        ["A", "lac_start", "2020-01-15", "V2"], ["A", "placement", "2020-01-15", "U1"],
        ["A", "legal_status", "2020-03-15", "C2"], ["A", "legal_status", "2020-05-20", "E1"],
        ["A", "placement", "2020-06-15", "A4"], ["A", "lac_end", "2020-09-15", "E11"],
    ], end="2020-11-30")
    seq = care_sequences(log).set_index("child_id").loc["A"]
    # Months on the 15th: Jan S, Feb S, Mar C (same day), Apr C, May C, Jun A, Jul A, Aug A,
    # Sep D (left that day), Oct D, Nov D.
    assert seq["sequence"] == "SSCCCAAADDD" and seq["length"] == 11


def test_return_home_and_re_entry_resume_in_care_states_and_months_caps_length():
    log = log_of([
        ["B", "lac_start", "2019-01-31", "C1"], ["B", "lac_end", "2019-03-31", "E4A"],
        ["B", "lac_start", "2019-05-31", "V2"], ["B", "lac_end", "2019-06-30", "E45"],
    ], end="2019-09-30")
    # Anniversaries of the 31st fall on the month's last day.
    assert care_sequences(log).loc[0, "sequence"] == "CCHHSGGGG"
    assert care_sequences(log, months=4).loc[0, "sequence"] == "CCHH"


def test_placement_types_replace_legal_status_in_care():
    log = log_of([["C", "lac_start", "2020-01-01", "C2"], ["C", "placement", "2020-01-01", "U4"],
                  ["C", "placement", "2020-03-01", "K2"], ["C", "lac_end", "2020-04-01", "E8"]], end="2020-05-01")
    assert care_sequences(log, placement_types=True).loc[0, "sequence"] == "FFRLL"
    assert care_sequences(log).loc[0, "sequence"] == "CCCLL"


def test_unique_sequences_are_in_order_of_last_child_and_expand_back():
    unique = unique_sequences(["bb", "aa", "bb", "cc", "aa"])
    assert unique.sequences.tolist() == ["bb", "cc", "aa"]  # last children: 2, 3, 4
    assert unique.weights.tolist() == [2, 1, 2]
    assert unique.sequences[unique.inverse].tolist() == ["bb", "aa", "bb", "cc", "aa"]


def test_groups_are_numbered_by_their_first_child():
    unique = unique_sequences(["bb", "aa", "bb", "cc", "aa"])
    # Unique "bb", "cc", "aa" in groups 2, 1, 1: children bb, aa, bb, cc, aa -> 1, 2, 1, 2, 2.
    labels = number_by_first_child(np.array([2, 1, 1]), unique.inverse)
    assert labels[unique.inverse].tolist() == [1, 2, 1, 2, 2]


def test_om_levenshtein_and_lcs_distances_by_hand():
    # "SSCC" -> "SCCC": one substitution (OM 1) or a deletion and an insertion (LCS 2).
    assert dissimilarities(["SSCC"], ["SCCC"], method="om")[0, 0] == 1
    assert dissimilarities(["SSCC"], ["SCCC"], method="lcs")[0, 0] == 2
    assert dissimilarities(["SS"], ["SSCC"], method="lcs")[0, 0] == 2
    with pytest.raises(ValueError, match="invalid method"):
        dissimilarities(["S"], method="hamming")


def test_unweighted_ward_equals_scipy_linkage_on_sqrt_distances_with_ties():
    rng = np.random.default_rng(3)
    points = rng.integers(0, 4, size=(120, 3)).astype(float)
    distances = squareform(pdist(points, "cityblock"))  # integer distances: many ties
    ours = weighted_ward(distances.copy())
    scipys = linkage(squareform(np.sqrt(distances)), "ward")
    np.testing.assert_array_equal(ours, scipys)


def test_weighted_ward_on_unique_points_equals_ward_on_every_duplicate():
    rng = np.random.default_rng(4)
    points = rng.normal(size=(150, 2))
    weights = rng.integers(1, 6, size=150)
    expanded = np.repeat(points, weights, axis=0)
    inverse = np.repeat(np.arange(150), weights)
    ours = weighted_ward(squareform(pdist(points, "sqeuclidean")), weights)
    full = linkage(pdist(expanded), "ward")
    np.testing.assert_allclose(np.sort(ours[:, 2])[-20:], np.sort(full[:, 2])[-20:], rtol=1e-9)
    for k in range(2, 11):
        assert adjusted_rand_score(cut_tree(ours, k)[inverse], fcluster(full, k, "maxclust")) == 1.0


def test_weighted_silhouette_equals_scikit_learn_on_expanded_data():
    rng = np.random.default_rng(5)
    sequences = np.array(["".join(rng.choice(list("SCHL"), size=rng.integers(3, 9))) for _ in range(60)], dtype=object)
    weights = rng.integers(1, 4, size=60)
    expanded = np.repeat(sequences, weights)
    unique = unique_sequences(expanded)
    labels = rng.integers(1, 4, size=len(unique.sequences))
    labels[:3] = [1, 2, 3]
    sums = group_distance_sums(unique.sequences, labels, unique.weights, "lcs", rows_per_block=7)
    ours = np.average(silhouette_widths(sums, labels, unique.weights), weights=unique.weights)
    theirs = silhouette_score(dissimilarities(expanded), labels[unique.inverse], metric="precomputed")
    assert ours == pytest.approx(theirs, abs=1e-12)


def test_grouping_picks_the_best_silhouette_and_describes_each_group():
    # Three families of histories, four variants each, three children per variant.
    variants = ["SSSSHHHHHH", "SSSHHHHHHH", "SSSSSHHHHH", "SSHHHHHHHH", "CCCCCCCCCC", "CCCCCCCCCP",
                "CCCCCCCCPP", "CCCCCCCPPP", "CCPPPAAADD", "CCPPAAADDD", "CPPPAAADDD", "CCPPPPAADD"]
    histories = [v for v in variants for _ in range(3)]
    sequences = pd.DataFrame({"child_id": [f"c{i}" for i in range(36)], "sequence": histories})
    grouped = group_care_histories(sequences)
    assert grouped.groups == 3
    expected = silhouette_score(dissimilarities(histories), grouped.membership["group"], metric="precomputed")
    assert grouped.quality.set_index("groups").loc[3, "asw"] == pytest.approx(expected, abs=1e-12)
    assert grouped.membership.groupby("group").size().tolist() == [12, 12, 12]
    # Medoids: the variant nearest the rest of its family (the middle of the shifts).
    assert grouped.medoids["sequence"].tolist() == ["SSSSHHHHHH", "CCCCCCCCCP", "CCPPPAAADD"]
    chrono = chronograms(sequences, grouped.membership)
    assert np.allclose(chrono.groupby(["group", "month"])["share"].sum(), 1.0)
    assert (chrono.groupby(["group", "month"])["modal"].sum() == 1).all()
    who = group_characteristics(grouped.membership, pd.DataFrame({"child_id": sequences["child_id"], "sex": ["1", "2"] * 18}))
    assert who.groupby("group")["count"].sum().tolist() == [12, 12, 12]

