"""The class heatmap: for each competence, how many participants fall in each band (mastery % or level).

Built as an SVG picture (no script), with a text alternative in each cell's <title> and the counts written in the
cells, so it reads without colours too.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from campaigns.dashboard import Dashboard

# sequential blue ramp (colour-blind safe); text turns white on the darker shades
SHADES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
RATE_BANDS = ("0–19 %", "20–39 %", "40–59 %", "60–79 %", "80–100 %")


@dataclass(frozen=True)
class Heatmap:
    title: str
    competences: tuple[tuple[str, str], ...]
    bands: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # per competence, per band
    participants: int


def shade(value: int | None) -> int:
    """A shade index 0..5 for a percentage (None: no data)."""
    return 0 if value is None else min(5, 1 + value // 20)


def class_heatmap(board: Dashboard, max_level: int = 6) -> Heatmap:
    shared = [p.results for p in board.participants if p.results is not None]
    rows = []
    if board.is_assessment:
        bands = RATE_BANDS
        for code, _ in board.competences:
            counts = [0] * len(bands)
            for r in shared:
                value = r.competence_percent(code)
                if value is not None:
                    counts[min(4, value // 20)] += 1
            rows.append(tuple(counts))
        title = "Maîtrise des acquis par compétence"
    else:
        bands = tuple(f"Niveau {n}" for n in range(max_level + 1))
        for code, _ in board.competences:
            counts = [0] * len(bands)
            for r in shared:
                level = r.levels.get(code, (0, 0))[0]
                counts[min(max_level, level)] += 1
            rows.append(tuple(counts))
        title = "Niveaux par compétence"
    return Heatmap(title, board.competences, bands, tuple(rows), len(shared))


def svg(heatmap: Heatmap, sent_label: str = "résultats envoyés") -> str:
    """The picture; `sent_label` ends its title ("(12 résultats envoyés)"), in the page's language."""
    label_w, cell_w, cell_h, top = 70, 78, 26, 40
    width = label_w + cell_w * len(heatmap.bands) + 10
    height = top + cell_h * len(heatmap.competences) + 10
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="hm-title" class="heatmap" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<title id="hm-title">{escape(heatmap.title)} ({heatmap.participants} {escape(sent_label)})</title>',
    ]
    for j, band in enumerate(heatmap.bands):
        x = label_w + j * cell_w + cell_w / 2
        out.append(f'<text x="{x:.0f}" y="{top - 10}" text-anchor="middle">{escape(band)}</text>')
    total = max(1, heatmap.participants)
    for i, ((code, name), counts) in enumerate(zip(heatmap.competences, heatmap.counts, strict=True)):
        y = top + i * cell_h
        out.append(f'<text x="4" y="{y + cell_h * 0.65:.0f}"><title>{escape(name)}</title>{escape(code)}</text>')
        for j, count in enumerate(counts):
            level = 0 if count == 0 else 1 + min(5, (6 * count) // (total + 1))
            x = label_w + j * cell_w
            colour = SHADES[level]
            ink = "#ffffff" if level >= 5 else "#111827"
            out.append(
                f'<g><title>{escape(code)} {escape(name)} — {escape(heatmap.bands[j])} : {count}</title>'
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{colour}" stroke="#d1d5db"/>'
                f'<text x="{x + cell_w / 2 - 1:.0f}" y="{y + cell_h * 0.65:.0f}" text-anchor="middle" '
                f'fill="{ink}">{count}</text></g>')
    out.append("</svg>")
    return "".join(out)

