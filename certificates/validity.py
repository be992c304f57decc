"""A certificate is valid 3 years from its session's date (engine.md §9), then shown as expired."""

from __future__ import annotations

from datetime import date

VALIDITY_YEARS = 3


def valid_until(session_date: date, years: int = VALIDITY_YEARS) -> date:
    """The last day of validity: the day before the anniversary (29 February → 28 February)."""
    try:
        anniversary = session_date.replace(year=session_date.year + years)
    except ValueError:  # 29 February, to a year without one
        anniversary = session_date.replace(year=session_date.year + years, day=28)
        return anniversary
    return date.fromordinal(anniversary.toordinal() - 1)


def is_expired(session_date: date, today: date, years: int = VALIDITY_YEARS) -> bool:
    return today > valid_until(session_date, years)
