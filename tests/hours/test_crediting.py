"""The crediting rule with an injected clock: every case the hours issue names."""

from datetime import datetime, timedelta

import pytest

from learnpm.hours.crediting import Beat, ClockState, Limits, OpenRecord, SealLimits, credit, is_complete, sealable

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
        credited = self.state.last_lesson_id  # the rule credits the previous beat's lesson
        limits = Limits(HB, self.ceiling, self.cap.get(credited, 0), self.sealed.get(credited, 0))
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
    assert reader.beat(120) == 0   # back: the beat after a hidden one earns nothing
    assert reader.beat(150) == 30
    assert reader.total == 60


def test_two_tabs_credit_wall_clock_once():
    reader = Reader()
    reader.beat(0, lesson=1)
    for t in range(15, 301, 15):  # tab A at 30, 60, ...; tab B at 15, 45, ...
        reader.beat(t, lesson=1)
    assert reader.total == 300 - 15  # the first 15 s come before the visit lasted one interval


def test_two_devices_flipping_between_lessons_faster_than_an_interval_earn_nothing():
    reader = Reader()
    reader.beat(0, lesson=1)
    for t in range(10, 121, 10):
        reader.beat(t, lesson=1 if t % 20 else 2)
    assert reader.total == 0


def test_time_is_credited_to_the_lesson_of_the_earlier_beat():
    reader = Reader()
    reader.beat(0, lesson=1)
    reader.beat(30, lesson=1)
    assert reader.beat(40, lesson=2) == 10        # the 10 s were spent on lesson 1
    assert reader.state.open.lesson_id == 1 and reader.state.open.seconds == 40
    assert reader.beat(70, lesson=2) == 30        # now on lesson 2: lesson 1 is sealed
    assert [(s.lesson_id, s.seconds) for s in reader.seals] == [(1, 40)]
    assert reader.state.open.lesson_id == 2 and reader.state.open.seconds == 30


def test_a_glance_earns_nothing():
    """A visit shorter than a heartbeat interval earns that lesson nothing, even with engaged beats around it."""
    reader = Reader()
    reader.beat(0, lesson=1)
    reader.beat(30, lesson=1)
    reader.beat(60, lesson=2)                     # a glance at lesson 2 ...
    assert reader.beat(60.5, lesson=1) == 0       # ... under a second
    reader.beat(61, lesson=2)
    assert reader.beat(80, lesson=1) == 0         # and one of 19 s
    assert 2 not in reader.sealed and (reader.state.open is None or reader.state.open.lesson_id != 2)


def test_a_hidden_or_idle_beat_and_the_beat_after_it_earn_nothing():
    for hidden, idle in ((True, False), (False, True)):
        reader = Reader()
        reader.beat(0)
        reader.beat(30)
        assert reader.beat(60, visible=not hidden, active=not idle) == 0
        assert reader.beat(90) == 0
        assert reader.beat(120) == 30


def test_the_first_beat_earns_nothing_and_a_lone_beat_seals_nothing():
    reader = Reader()
    assert reader.beat(0) == 0
    assert reader.beat(1, lesson=2) == 0
    assert reader.total == 0 and not reader.seals


@pytest.mark.parametrize("seed", range(20))
def test_random_beats_never_pass_a_lesson_cap_the_ceiling_or_wall_clock_time(seed):
    import random

    rng = random.Random(seed)
    reader = Reader(cap_minutes=1, ceiling_minutes=3)
    at = 0.0
    for _ in range(400):
        at += rng.choice([0, 0.2, 1, 5, 15, 29, 30, 31, 59, 61, 200])
        reader.beat(at, lesson=rng.choice([1, 2]), visible=rng.random() > 0.1, active=rng.random() > 0.1)
        open_ = reader.state.open
        for lesson in (1, 2):
            here = reader.sealed.get(lesson, 0) + (open_.seconds if open_ and open_.lesson_id == lesson else 0)
            assert here <= 60
        assert reader.total <= min(at, 3 * 60 * (1 + int(at // 86400)))
        if open_:
            assert open_.seconds <= (open_.last_credit_at - open_.started_at).total_seconds()


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
    reader.beat(90)                # after an idle beat: nothing
    assert reader.beat(120) == 30  # 30 s left of the lesson's minute
    assert reader.beat(150) == 0
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
    assert reader.beat(60, lesson=2) == 30  # to lesson 1, where the learner was
    assert reader.beat(90, lesson=2) == 30
    assert [(s.lesson_id, s.seconds) for s in reader.seals] == [(1, 60)]
    assert reader.state.open.lesson_id == 2 and reader.state.open.seconds == 30


@pytest.mark.parametrize("engaged, check, complete", [(2399, None, False), (2400, None, True),
                                                      (2400, False, False), (2400, True, True)])
def test_completion_needs_the_share_and_a_passed_check(engaged, check, complete):
    assert is_complete(engaged, 3000, 0.8, check) is complete


def test_sealing_holds_at_most_the_span_the_cap_left_and_the_ceiling_left_whatever_the_record_says():
    day = T0.date()
    record = OpenRecord(1, day, 90_000, T0, T0 + timedelta(seconds=120))
    limits = SealLimits(daily_ceiling_seconds=480 * 60, lesson_cap_seconds=46 * 60, lesson_sealed_seconds=0,
                        day_sealed_seconds=0)
    now = T0 + timedelta(seconds=150)
    assert sealable(record, limits, now) == 120                      # the span of its beats
    long = OpenRecord(1, day, 90_000, T0 - timedelta(days=3), T0)
    assert sealable(long, limits, now) == 46 * 60                    # the lesson's rated duration
    assert sealable(long, SealLimits(480 * 60, 46 * 60, 46 * 60 - 5, 0), now) == 5   # counting what is sealed
    assert sealable(long, SealLimits(600, 46 * 60, 0, 590), now) == 10               # the daily ceiling
    future = OpenRecord(1, day, 500, T0, T0 + timedelta(days=1))
    assert sealable(future, limits, now) == 150                      # never past now
    assert sealable(OpenRecord(1, day, 30, T0, T0 - timedelta(seconds=5)), limits, now) == 0
