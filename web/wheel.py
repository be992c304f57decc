"""The profile's picture: a 16-sector wheel, one sector per competence, filled according to its pix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine.scoring import Scorecard

# one colour per domain, each at least 4.5:1 against white (used for fills and their text labels)
DOMAIN_COLOURS = {"1": "#1d4ed8", "2": "#047857", "3": "#b45309", "4": "#b91c1c", "5": "#6d28d9"}
_CENTRE = 160.0
_INNER = 38.0
_OUTER = 140.0


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    level: int
    pix: int
    colour: str
    track: str  # the whole sector (outline)
    fill: str  # the part earned
    label_x: float
    label_y: float


def _point(radius: float, angle: float) -> tuple[float, float]:
    return _CENTRE + radius * math.sin(angle), _CENTRE - radius * math.cos(angle)


def _annulus(start: float, end: float, inner: float, outer: float) -> str:
    x1, y1 = _point(outer, start)
    x2, y2 = _point(outer, end)
    x3, y3 = _point(inner, end)
    x4, y4 = _point(inner, start)
    return (f"M{x1:.1f},{y1:.1f} A{outer:.1f},{outer:.1f} 0 0 1 {x2:.1f},{y2:.1f} "
            f"L{x3:.1f},{y3:.1f} A{inner:.1f},{inner:.1f} 0 0 0 {x4:.1f},{y4:.1f} Z")


def level_rings(levels: int) -> list[float]:
    """Radii of the faint circles marking each level, so the picture reads like a scale."""
    return [round(_INNER + (_OUTER - _INNER) * i / levels, 1) for i in range(1, levels + 1)]


@dataclass(frozen=True)
class WheelEntry:
    """One competence on the wheel, whatever measures it (a profile's scorecard, a certified level)."""

    code: str
    name: str
    domain_code: str
    level: int
    pix: int
    ratio: float  # the part of the sector filled, 0–1


def _sectors(entries: Sequence[WheelEntry]) -> list[Sector]:
    step = 2 * math.pi / max(1, len(entries))
    gap = 0.02
    result = []
    for i, entry in enumerate(entries):
        start, end = i * step + gap, (i + 1) * step - gap
        ratio = min(1.0, max(0.0, entry.ratio))
        radius = _INNER + (_OUTER - _INNER) * ratio
        lx, ly = _point(_OUTER + 12, (start + end) / 2)
        result.append(Sector(
            code=entry.code, name=entry.name, level=entry.level, pix=entry.pix,
            colour=DOMAIN_COLOURS.get(entry.domain_code, "#374151"),
            track=_annulus(start, end, _INNER, _OUTER),
            fill=_annulus(start, end, _INNER, radius) if ratio > 0 else "",
            label_x=round(lx, 1), label_y=round(ly, 1),
        ))
    return result


def sectors(cards: Sequence[Scorecard], max_pix: int) -> list[Sector]:
    return _sectors([WheelEntry(c.competence_code, c.competence_name, c.domain_code, c.level, c.pix,
                                c.pix / max_pix if max_pix else 0.0) for c in cards])


def level_sectors(levels: Sequence[tuple[str, str, str, int]], max_level: int) -> list[Sector]:
    """The wheel of certified levels: (code, name, domain code, level) per competence, filled level / max_level."""
    return _sectors([WheelEntry(code, name, domain, level, 0, level / max_level if max_level else 0.0)
                     for code, name, domain, level in levels])
