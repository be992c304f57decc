"""Times the interface's words: loading the gettext catalogues, and `t()` lookups (plain, with values, plural,
a bank name) in French and English, as a page renders them.

Run: python bench/i18n_bench.py [--calls N]
Prints the first load (compiled .mo, and .po compiled in memory), then lookups per second and CPU microseconds
per lookup.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from web import i18n, i18n_catalogue  # noqa: E402


def _load_ms(compiled: bool) -> float:
    po = i18n_catalogue.po_path("messages", "fr")
    mo = po.with_suffix(".mo")
    saved = mo.read_bytes() if mo.exists() else None
    try:
        if compiled:
            i18n_catalogue.compile_all()
        elif mo.exists():
            mo.unlink()
        start = time.process_time()
        i18n_catalogue.load("messages", "fr")
        return (time.process_time() - start) * 1000
    finally:
        if saved is not None:
            mo.write_bytes(saved)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args()
    print(f"load fr catalogue: .mo {_load_ms(True):.1f} ms CPU, .po compiled in memory {_load_ms(False):.1f} ms CPU")
    for locale in ("fr", "en"):
        t = i18n.translator(locale)
        t("card.level", level=1)  # the catalogue is loaded once per process
        calls = [lambda t=t: t("profile.title"), lambda t=t: t("card.level", level=3),
                 lambda t=t: t("action.available_in", n=4),
                 lambda t=t: t.bank("1.1", "Mener une recherche et une veille d'information")]
        for name, call in zip(("plain", "values", "plural", "bank"), calls, strict=True):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.calls):
                call()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{locale} {name:6}: {args.calls / wall:>10,.0f} lookups/s, {cpu / args.calls * 1e6:.2f} µs CPU each")


if __name__ == "__main__":
    main()
