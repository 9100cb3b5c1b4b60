"""Interval planning: sub-intervals for scale-out and trailing intervals for late commits. Pure functions.

A partition is identified by its exact ``(start, end)``, so two rules keep re-runs idempotent:

- Sub-interval boundaries are a function of the interval and the chunk count only, never of the wall
  clock or of the data, so a retry or a later re-run of the same interval lands the same partitions.
- A trailing interval is re-landed with the same chunking as when it was first landed (same config), so it
  replaces its partitions instead of adding overlapping ones. Changing a table's chunk count therefore only
  applies cleanly to intervals landed afterwards (see README, "Changing the chunk count").
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone


def ts(moment: datetime) -> str:
    """Formats like Airflow's ``ts`` filter (``2026-11-23T00:00:00+00:00``), which the tasks parse."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; the tasks need an offset")
    return moment.isoformat()


def split(start: datetime, end: datetime, parts: int) -> list[tuple[datetime, datetime]]:
    """Splits ``[start, end)`` into ``parts`` adjacent half-open sub-intervals that cover it exactly.

    Boundaries fall on whole seconds (the last sub-interval takes the remainder), so they print exactly
    and never depend on floating point.
    """
    if end <= start:
        raise ValueError(f"interval end {end} is not after its start {start}")
    if parts < 1:
        raise ValueError(f"cannot split an interval into {parts} parts")
    seconds = int((end - start).total_seconds())
    parts = max(1, min(parts, seconds))
    step = timedelta(seconds=seconds // parts)
    bounds = [start + step * i for i in range(parts)] + [end]
    return list(zip(bounds[:-1], bounds[1:]))


def trailing(start: datetime, end: datetime, lookback: timedelta) -> list[tuple[datetime, datetime]]:
    """The earlier intervals of the same length that cover ``lookback`` before ``start``, newest first.

    With a daily schedule and a one-day lookback that is just yesterday's interval.
    """
    if lookback <= timedelta(0):
        return []
    length = end - start
    count = math.ceil(lookback / length)
    return [(start - length * k, end - length * k) for k in range(1, count + 1)]


def arguments(flag: str, value: str, intervals: list[tuple[datetime, datetime]]) -> list[list[str]]:
    """The concrete argument lists of one task per interval, in the same order as the DAG's templated form."""
    return [[flag, value, "--start", ts(a), "--end", ts(b)] for a, b in intervals]


def check_run_interval(start: datetime | None, end: datetime | None, schedule: str) -> None:
    """Raises ``ValueError`` unless ``[start, end)`` is exactly one interval of the cron ``schedule`` (UTC).

    Scheduled, backfilled and cleared runs always pass. A manual run passes when its data interval was picked
    as one whole schedule interval (with the daily default: one whole UTC day, midnight to midnight). Anything
    else would land a partition that overlaps the daily ones, which the warehouse refuses, or a part of a day
    that the file feed cannot deliver.
    """
    if start is None or end is None:
        raise ValueError("this run has no data interval: trigger it with a logical date and pick the interval "
                         "under 'Data Interval: Specify Manually' (see dags/README.md, 'What a run lands')")
    if end <= start:
        raise ValueError(f"the data interval [{ts(start)}, {ts(end)}) is empty: its end must be after its start")
    from croniter import croniter  # Airflow's own cron library; only needed when a task runs

    def utc(moment: datetime) -> datetime:  # plain aware datetimes: croniter drops pendulum's zone
        return datetime.fromtimestamp(moment.timestamp(), tz=timezone.utc)

    first = croniter(schedule, utc(start) - timedelta(seconds=1)).get_next(datetime)
    following = croniter(schedule, first).get_next(datetime)
    if first != utc(start) or following != utc(end):
        raise ValueError(f"the data interval [{ts(start)}, {ts(end)}) is not one interval of the schedule "
                         f"'{schedule}' (UTC); pick e.g. [{ts(first)}, "
                         f"{ts(following)}), or run a backfill for several")
