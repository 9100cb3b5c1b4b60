"""Sub-interval and trailing-interval planning."""

from datetime import datetime, timedelta, timezone

import pendulum
import pytest

from shopflow import intervals
from shopflow.intervals import check_run_interval

D = pendulum.datetime(2026, 11, 23, tz="UTC")


def test_ts_matches_airflows_ts_filter():
    assert intervals.ts(D) == "2026-11-23T00:00:00+00:00"
    with pytest.raises(ValueError):
        intervals.ts(D.naive())


@pytest.mark.parametrize("parts", [1, 2, 3, 4, 7, 24, 96])
def test_split_covers_the_interval_exactly_without_gaps_or_overlaps(parts):
    pieces = intervals.split(D, D.add(days=1), parts)
    assert len(pieces) == parts
    assert pieces[0][0] == D and pieces[-1][1] == D.add(days=1)
    for (a, b), (c, _) in zip(pieces, pieces[1:]):
        assert a < b == c
    assert all(p[0].microsecond == 0 for p in pieces)


def test_split_is_deterministic_so_reruns_hit_the_same_partitions():
    assert intervals.split(D, D.add(days=1), 4) == intervals.split(D, D.add(days=1), 4)
    assert [intervals.ts(a) for a, _ in intervals.split(D, D.add(days=1), 4)] == [
        "2026-11-23T00:00:00+00:00", "2026-11-23T06:00:00+00:00",
        "2026-11-23T12:00:00+00:00", "2026-11-23T18:00:00+00:00"]


def test_split_refuses_empty_intervals():
    with pytest.raises(ValueError):
        intervals.split(D, D, 2)


def test_trailing_covers_the_lookback_newest_first():
    assert intervals.trailing(D, D.add(days=1), timedelta(days=1)) == [(D.subtract(days=1), D)]
    assert intervals.trailing(D, D.add(days=1), timedelta(days=2)) == [
        (D.subtract(days=1), D), (D.subtract(days=2), D.subtract(days=1))]
    assert len(intervals.trailing(D, D.add(hours=6), timedelta(days=1))) == 4
    assert intervals.trailing(D, D.add(days=1), timedelta(0)) == []


def test_arguments_have_the_contract_shape():
    assert intervals.arguments("--table", "orders", [(D, D.add(hours=12))]) == [
        ["--table", "orders", "--start", "2026-11-23T00:00:00+00:00", "--end", "2026-11-23T12:00:00+00:00"]]


DAY = datetime(2026, 11, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("start, end", [
    (DAY, DAY + timedelta(days=1)),
    # The same UTC day given in another zone is the same interval.
    (DAY.astimezone(timezone(timedelta(hours=1))), DAY + timedelta(days=1)),
])
def test_a_run_interval_of_one_whole_schedule_interval_passes(start, end):
    check_run_interval(start, end, "0 0 * * *")


@pytest.mark.parametrize("start, end, message", [
    (None, None, "no data interval"),
    (DAY, DAY, "is empty"),
    (DAY, DAY - timedelta(days=1), "is empty"),
    (DAY, DAY + timedelta(days=2), "not one interval"),
    (DAY + timedelta(hours=6), DAY + timedelta(days=1, hours=6), "not one interval"),
    (DAY, DAY + timedelta(hours=12), "not one interval"),
])
def test_a_run_interval_that_is_not_one_schedule_interval_is_refused(start, end, message):
    with pytest.raises(ValueError, match=message):
        check_run_interval(start, end, "0 0 * * *")


def test_an_hourly_schedule_takes_whole_hours():
    check_run_interval(DAY + timedelta(hours=3), DAY + timedelta(hours=4), "0 * * * *")
    with pytest.raises(ValueError, match=r"pick e.g. \[2026-11-05T04:00:00\+00:00, 2026-11-05T05:00:00\+00:00\)"):
        check_run_interval(DAY + timedelta(hours=3, minutes=30), DAY + timedelta(hours=4, minutes=30), "0 * * * *")
