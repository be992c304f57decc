"""Rendering a session's attestations as one PDF (issue 20: 300 attestations in under 30 s on this machine).

    python3 bench/attestations_bench.py [--candidates 300] [--repeat 3]

Builds `--candidates` validated certificates (distinct names, codes and so distinct QR codes, the shipped
referential's 16 competences), renders them as one PDF with `certificates.attestation.attestations_pdf`, and
prints wall time, CPU time, pages and size per run."""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certificates.attestation import attestations_pdf  # noqa: E402
from certificates.codes import new_code  # noqa: E402
from certificates.validity import valid_until  # noqa: E402
from certificates.views import Certificate, competence_levels  # noqa: E402
from content_bank.loader import default_referential  # noqa: E402


def certificates(count: int, seed: int = 1) -> list[Certificate]:
    rng = random.Random(seed)
    referential = default_referential()
    codes = [c.code for d in referential.domains for c in d.competences]
    day = date(2026, 5, 12)
    return [Certificate(
        id=i, code=new_code(lambda alphabet: rng.choice(alphabet)), first_name=f"Élève{i}", last_name=f"Nom-{i}",
        birth_date=date(2011, 1 + i % 12, 1 + i % 28), division=f"3e {'ABCDEFGHIJ'[i % 10]}",
        centre_name="Collège Jean Moulin", centre_uai="0751234A", session_id=1, session_number=1001,
        session_date=day, valid_until=valid_until(day), version="v3", status="validated",
        score=rng.randint(100, 895), max_score=895, global_level="independent",
        competences=competence_levels({code: rng.randint(0, 7) for code in codes}, referential), comment=None,
        account_id=None) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    batch = certificates(args.candidates)
    print(f"{args.candidates} attestations as one PDF (fpdf2 + segno)")
    for run in range(1, args.repeat + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = attestations_pdf(batch, "https://pix-lti.example.fr")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU ({1000 * cpu / args.candidates:.1f} ms CPU per "
              f"attestation), {pages} pages, {len(pdf) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
