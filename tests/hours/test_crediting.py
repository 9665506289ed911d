"""The crediting rule with an injected clock: every case the hours issue names."""

from datetime import datetime, timedelta

import pytest

from learnpm.hours.crediting import Beat, ClockState, Limits, credit, is_complete

T0 = datetime(2026, 11, 25, 9, 0, 0)
HB = 30
EMPTY = ClockState(None, None, 0, None)


class Reader:
    """Feed beats through the rule like the server would, keeping the ledger's sealed totals."""

    def __init__(self, cap_minutes: int = 60, ceiling_minutes: int = 480):
        self.state = EMPTY
        self.cap = {1: cap_minutes * 60, 2: cap_minutes * 60}
        self.ceiling = ceiling_minutes * 60
        self.sealed: dict[int, int] = {}
        self.seals = []
        self.credited = 0

    def beat(self, at: float, lesson: int = 1, visible: bool = True, active: bool = True) -> int:
        limits = Limits(HB, self.ceiling, self.cap[lesson], self.sealed.get(lesson, 0))
        decision = credit(self.state, Beat(lesson, visible, active, T0 + timedelta(seconds=at)), limits)
        if decision.seal:
            self.seals.append(decision.seal)
            self.sealed[decision.seal.lesson_id] = self.sealed.get(decision.seal.lesson_id, 0) + decision.seal.seconds
        self.state = decision.state
        self.credited += decision.credited
        return decision.credited

    @property
    def total(self) -> int:
        return sum(self.sealed.values()) + (self.state.open.seconds if self.state.open else 0)


def test_steady_reading_earns_wall_clock_time_after_the_first_beat():
    reader = Reader()
    assert reader.beat(0) == 0
    for i in range(1, 11):
        assert reader.beat(i * HB) == HB
    assert reader.total == 300 and reader.state.open.seconds == 300 and not reader.seals


def test_idle_and_hidden_beats_earn_nothing_and_end_the_session():
    reader = Reader()
    reader.beat(0)
    reader.beat(30)
    assert reader.beat(60, active=False) == 0
    assert reader.beat(90, visible=False) == 0
    assert [s.seconds for s in reader.seals] == [30]
    assert reader.beat(120) == 30  # back: earns the last interval only
    assert reader.total == 60


def test_two_tabs_credit_wall_clock_once():
    reader = Reader()
    reader.beat(0, lesson=1)
    for t in range(15, 301, 15):  # tab A at 30, 60, ...; tab B at 15, 45, ...
        reader.beat(t, lesson=1)
    assert reader.total == 300


def test_two_devices_on_two_lessons_credit_each_second_once_to_the_beat_credited():
    reader = Reader()
    reader.beat(0, lesson=1)
    for t in range(10, 121, 10):
        reader.beat(t, lesson=1 if t % 20 else 2)
    assert reader.total == 120
    assert sum(s.seconds for s in reader.seals) + reader.state.open.seconds == 120


def test_sleep_and_resume_credits_at_most_two_intervals():
    reader = Reader()
    reader.beat(0)
    reader.beat(30)
    assert reader.beat(30 + 3600) == 2 * HB  # laptop slept an hour
    assert reader.total == 30 + 60
    assert [s.seconds for s in reader.seals] == [30]  # the gap ended the first session


def test_a_burst_of_beats_earns_nothing():
    reader = Reader()
    reader.beat(0)
    credited = [reader.beat(0.05 * i) for i in range(1, 20)]
    assert sum(credited) == 0


def test_forged_or_replayed_beats_cannot_move_the_total():
    reader = Reader()
    reader.beat(0)
    reader.beat(30)
    # a replayed request arrives again at the same server time, then a beat "from the past"
    assert reader.beat(30) == 0
    assert reader.beat(10) == 0
    assert reader.beat(40) == 10  # the clock never moved back to 10: wall time only
    assert reader.total == 40


def test_time_never_runs_backwards_into_credit():
    reader = Reader()
    reader.beat(100)
    assert reader.beat(50) == 0


def test_per_lesson_cap_is_the_rated_duration():
    reader = Reader(cap_minutes=2)
    reader.beat(0)
    earned = [reader.beat(t) for t in range(30, 301, 30)]
    assert sum(earned) == 120 and earned[-1] == 0
    # another lesson still earns
    reader.beat(330, lesson=2)
    assert reader.beat(360, lesson=2) == 30


def test_cap_counts_time_already_sealed_on_the_lesson():
    reader = Reader(cap_minutes=1)
    reader.beat(0)
    reader.beat(30)
    reader.beat(60, active=False)  # seals 30 s
    assert reader.beat(90) == 30   # 30 s left of the lesson's minute
    assert reader.beat(120) == 0
    assert reader.total == 60


def test_daily_ceiling_stops_a_browser_left_running():
    reader = Reader(cap_minutes=10_000, ceiling_minutes=60)
    reader.beat(0)
    for t in range(30, 4 * 3600, 30):
        reader.beat(t)
    assert reader.total == 3600


def test_a_new_day_seals_and_restarts_the_ceiling():
    reader = Reader(cap_minutes=10_000, ceiling_minutes=1)
    start = (datetime(2026, 11, 25, 23, 59, 0) - T0).total_seconds()
    reader.beat(start)
    reader.beat(start + 30)
    reader.beat(start + 60)  # 00:00:00 next day
    assert [s.seconds for s in reader.seals] == [30]
    assert reader.state.day_seconds == 30 and reader.state.open.day.day == 26
    reader.beat(start + 90)
    assert reader.beat(start + 120) == 0  # one minute a day


def test_switching_lessons_seals_the_previous_one():
    reader = Reader()
    reader.beat(0, lesson=1)
    reader.beat(30, lesson=1)
    assert reader.beat(60, lesson=2) == 30
    assert [(s.lesson_id, s.seconds) for s in reader.seals] == [(1, 30)]
    assert reader.state.open.lesson_id == 2 and reader.state.open.seconds == 30


@pytest.mark.parametrize("engaged, check, complete", [(2399, None, False), (2400, None, True),
                                                      (2400, False, False), (2400, True, True)])
def test_completion_needs_the_share_and_a_passed_check(engaged, check, complete):
    assert is_complete(engaged, 3000, 0.8, check) is complete
