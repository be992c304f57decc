"""The livret scolaire export (LSU in collège, LSL in lycée).

What could be confirmed: LSU and LSL do not read a file the school uploads for the digital-skills
certification; they fetch it from the certification service, per school UAI, through an authenticated API
(`GET /api/organizations/{uai}/certifications`, a JSON:API document of type `certificationsResults`, as the
service's open-source code serialises it), then produce the attestations themselves ("Attestations >
Consultation des certifications Pix"). What could not be confirmed: the exact authentication LSU/LSL use and
whether they accept the same document from another provider; no public specification of an upload exists.

So this module produces that documented document, keyed by what the school has: the pupil's names, birth date
and class (the national student id, INE, is not known to this tool and is sent as null), for validated and
rejected results (a cancelled test has no result to report)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time

from certificates.views import Certificate

_AREAS = {"1": "1. Information et données", "2": "2. Communication et collaboration",
          "3": "3. Création de contenus", "4": "4. Protection et sécurité", "5": "5. Environnement numérique"}
REPORTED = ("validated", "rejected")


def _moment(day: object) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[arg-type]


def livret_document(certificates: Sequence[Certificate]) -> dict:
    reported = [c for c in certificates if c.status in REPORTED]
    competences = certificates[0].competences if certificates else ()
    return {
        "data": {
            "type": "certificationsResults",
            "attributes": {"certifications": [{
                "id": c.id,
                "firstName": c.first_name,
                "middleName": None,
                "thirdName": None,
                "lastName": c.last_name,
                "birthdate": c.birth_date.isoformat() if c.birth_date else None,
                "nationalStudentId": None,
                "division": c.division,
                "date": _moment(c.session_date),
                "deliveredAt": _moment(c.session_date),
                "certificationCenter": c.centre_name,
                "status": c.status,
                "pixScore": c.score if c.status == "validated" else 0,
                "verificationCode": c.code,
                "competenceResults": [{"competenceId": x.code, "level": x.level} for x in c.competences
                                      if c.status == "validated"],
            } for c in reported]},
            "relationships": {"competences": {"data": [{"id": x.code, "type": "competences"}
                                                       for x in competences]}},
        },
        "included": [
            *[{"type": "areas", "id": code, "attributes": {"name": name}, "relationships": {}}
              for code, name in _AREAS.items() if any(x.domain_code == code for x in competences)],
            *[{"type": "competences", "id": x.code, "attributes": {"name": x.name},
               "relationships": {"area": {"data": {"id": x.domain_code, "type": "areas"}}}} for x in competences],
        ],
    }


def livret_json(certificates: Sequence[Certificate]) -> bytes:
    return json.dumps(livret_document(certificates), ensure_ascii=False, indent=2).encode("utf-8")
