"""The server's timer of a certification test: when it ends, how much time is left. Pure.

A test ends at its start + 1 h 45 (plus the candidate's extra time %) + the minutes the invigilator added + the
time it spent paused. While paused (by the invigilator, or waiting for a re-entry), the clock stands still at
the moment of the pause: a closed laptop loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.certification.records import time_limit

WARNINGS_SECONDS = (10 * 60, 5 * 60)  # the candidate is warned when 10 and 5 minutes are left


@dataclass(frozen=True, slots=True)
class TestClock:
    __test__ = False  # a domain name, not a pytest class
    started_at: datetime
    extra_time_percent: int = 0
    extra_minutes: int = 0
    paused_seconds: int = 0
    paused_at: datetime | None = None  # set while the clock stands still
    duration_minutes: int = 105

    @property
    def deadline(self) -> datetime:
        """When the test ends if no further pause happens."""
        base = time_limit(self.started_at, self.extra_time_percent, self.duration_minutes)
        return base + timedelta(minutes=self.extra_minutes, seconds=self.paused_seconds)

    def remaining_seconds(self, now: datetime) -> int:
        """Whole seconds left, never negative; frozen while paused."""
        moment = self.paused_at if self.paused_at is not None else now
        return max(0, int((self.deadline - moment).total_seconds()))

    def is_up(self, now: datetime) -> bool:
        return self.paused_at is None and now >= self.deadline

    def resumed(self, now: datetime) -> TestClock:
        """The clock running again: the pause's length is added to the time spent paused."""
        if self.paused_at is None:
            return self
        pause = max(0, int((now - self.paused_at).total_seconds()))
        return TestClock(self.started_at, self.extra_time_percent, self.extra_minutes, self.paused_seconds + pause,
                         None, self.duration_minutes)


def warning_due(remaining_seconds: int) -> int | None:
    """The warning to show now (10 or 5 minutes), None when more than 10 minutes are left."""
    due = [w for w in WARNINGS_SECONDS if remaining_seconds <= w]
    return min(due) // 60 if due else None
