"""The readiness model: domain weighting, the recent window, the uncertainty band and ratings."""

import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from learnpm.lessons.programs import program_from_dict
from learnpm.reports.readiness import ScoredAnswer, estimate_readiness, wilson_interval

PROGRAM = program_from_dict(yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "content" / "programs" / "capm.yml").read_text(encoding="utf-8")))
DOMAINS = PROGRAM.domains          # fundamentals 36, predictive 17, agile 20, business-analysis 27
RATINGS = PROGRAM.ratings          # Above Target 80, Target 65, Below Target 50, Needs Improvement 0
PASS = PROGRAM.exam["pass_percent"]
NOW = datetime(2025, 6, 1, 12, 0)
Z = 1.6448536269514722


def answers(domain: str, correct: int, total: int, *, start: int = 0) -> list[ScoredAnswer]:
    """Return `total` answers in `domain`, the first `correct` right, one minute apart going back from NOW."""
    return [ScoredAnswer(domain, i < correct, NOW - timedelta(minutes=start + i)) for i in range(total)]


def estimate(data: list[ScoredAnswer], **kwargs):
    return estimate_readiness(data, DOMAINS, RATINGS, PASS, now=NOW, **kwargs)


def by_key(readiness):
    return {d.key: d for d in readiness.domains}


def test_no_data_gives_no_estimate():
    result = estimate([])
    assert (result.percent, result.low, result.high, result.likely_pass, result.questions) == (None, None, None,
                                                                                                None, 0)
    assert [(d.key, d.answered, d.percent, d.rating) for d in result.domains] == [
        ("fundamentals", 0, None, None), ("predictive", 0, None, None), ("agile", 0, None, None),
        ("business-analysis", 0, None, None)]
    assert "no scored answers yet" in result.explanation


def test_wilson_interval_by_formula():
    # 8 of 10: p = 0.8, z = 1.6449, z^2 = 2.7055; center = (0.8 + z^2/20) / (1 + z^2/10) = 0.93528 / 1.27055 = 0.73612
    # half = z * sqrt(0.8 * 0.2 / 10 + z^2/400) / 1.27055 = 1.6449 * sqrt(0.022764) / 1.27055 = 0.19533
    low, high = wilson_interval(8, 10)
    denominator = 1 + Z * Z / 10
    center = (0.8 + Z * Z / 20) / denominator
    half = Z * math.sqrt(0.8 * 0.2 / 10 + Z * Z / 400) / denominator
    assert (low, high) == pytest.approx((center - half, center + half))
    assert (low, high) == pytest.approx((0.5408, 0.9314), abs=1e-4)


def test_one_domain_only_assumes_the_average_and_widens_by_the_unknown_weight():
    result = estimate(answers("fundamentals", 8, 10))
    low, high = wilson_interval(8, 10)
    assert result.percent == pytest.approx(80)
    # Known: 36 % of the exam with its Wilson band; the other 64 % could be anywhere from 0 to 100 %.
    assert result.low == pytest.approx(36 * low)
    assert result.high == pytest.approx(36 * high + 64)
    assert result.questions == 10
    assert by_key(result)["fundamentals"].rating == "Above Target"
    assert by_key(result)["agile"].rating is None and by_key(result)["agile"].percent is None
    assert result.likely_pass is False            # 80 % on one domain is far from a safe bet
    for title in ("Predictive, Plan-Based Methodologies", "Agile Frameworks/Methodologies",
                  "Business Analysis Frameworks"):
        assert title in result.explanation


def test_all_correct():
    data = [a for d in DOMAINS for a in answers(d["key"], 40, 40)]
    result = estimate(data)
    assert result.percent == pytest.approx(100)
    assert result.high == pytest.approx(100)
    assert 90 < result.low < 100
    assert result.likely_pass is True
    assert {d.rating for d in result.domains} == {"Above Target"}


def test_domains_are_weighted_by_the_exam_weights():
    data = (answers("fundamentals", 10, 10) + answers("predictive", 5, 10, start=10)
            + answers("agile", 0, 10, start=20) + answers("business-analysis", 5, 10, start=30))
    result = estimate(data)
    # 0.36 * 100 + 0.17 * 50 + 0.20 * 0 + 0.27 * 50 = 36 + 8.5 + 0 + 13.5 = 58 (unweighted it would be 50)
    assert result.percent == pytest.approx(58)
    assert [d.percent for d in result.domains] == [100, 50, 0, 50]
    # The band: root-sum-square of the weighted Wilson half-widths on each side.
    intervals = [wilson_interval(10, 10), wilson_interval(5, 10), wilson_interval(0, 10), wilson_interval(5, 10)]
    shares, points = [0.36, 0.17, 0.20, 0.27], [1, 0.5, 0, 0.5]
    below = math.sqrt(sum((w * (p - lo)) ** 2 for w, p, (lo, _) in zip(shares, points, intervals, strict=True)))
    above = math.sqrt(sum((w * (hi - p)) ** 2 for w, p, (_, hi) in zip(shares, points, intervals, strict=True)))
    assert result.low == pytest.approx(100 * (0.58 - below))
    assert result.high == pytest.approx(100 * (0.58 + above))


def test_only_the_most_recent_window_counts():
    recent = [a for d in DOMAINS for a in answers(d["key"], 25, 25)]          # 100 right, 0..24 minutes ago
    older = [a for d in DOMAINS for a in answers(d["key"], 0, 50, start=100)]  # 200 wrong, 100+ minutes ago
    assert estimate(older + recent, window=100).percent == pytest.approx(100)
    default = estimate(older + recent)                                        # window 200: 100 right, 100 wrong
    assert default.questions == 200 and default.percent == pytest.approx(50)
    assert estimate(older + recent, window=1000).percent == pytest.approx(100 * 100 / 300)


def test_answers_after_now_and_in_unknown_domains_are_ignored():
    future = [ScoredAnswer("agile", False, NOW + timedelta(days=1))]
    stray = [ScoredAnswer("people", False, NOW)]
    result = estimate(answers("agile", 3, 4) + future + stray)
    assert result.questions == 4 and by_key(result)["agile"].percent == 75


def test_the_band_narrows_with_more_questions():
    widths = []
    for per_domain in (4, 20, 80):
        data = [a for d in DOMAINS for a in answers(d["key"], per_domain * 3 // 4, per_domain)]
        result = estimate(data, window=1000)
        assert result.percent == pytest.approx(75)
        assert result.low < result.percent < result.high
        widths.append(result.high - result.low)
    assert widths[0] > widths[1] > widths[2]


def test_unpracticed_domains_widen_the_band():
    everything = estimate([a for d in DOMAINS for a in answers(d["key"], 15, 20)])
    no_agile = estimate([a for d in DOMAINS if d["key"] != "agile" for a in answers(d["key"], 15, 20)])
    assert everything.percent == pytest.approx(no_agile.percent)
    # Agile (20 % of the exam) could score anywhere from 0 to 100 %: the band grows by about 20 points.
    assert no_agile.high - no_agile.low > everything.high - everything.low + 15


def test_ratings_come_from_the_bands():
    data = (answers("fundamentals", 80, 100) + answers("predictive", 65, 100)
            + answers("agile", 64, 100) + answers("business-analysis", 49, 100))
    result = estimate(data, window=400)
    assert [d.rating for d in result.domains] == ["Above Target", "Target", "Below Target", "Needs Improvement"]


def test_likely_pass_needs_the_estimate_and_a_low_end_within_ten_points():
    few = estimate([a for d in DOMAINS for a in answers(d["key"], 3, 4)])           # 75 %, wide band
    many = estimate([a for d in DOMAINS for a in answers(d["key"], 60, 80)], window=400)
    short = estimate([a for d in DOMAINS for a in answers(d["key"], 130, 200)], window=800)   # 65 %
    assert few.percent == pytest.approx(75) and few.low < PASS - 10 and few.likely_pass is False
    assert many.percent == pytest.approx(75) and many.low >= PASS - 10 and many.likely_pass is True
    assert short.likely_pass is False


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        estimate([], window=0)
