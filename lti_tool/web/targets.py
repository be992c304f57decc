"""What an activity targets, read from its custom parameters, in French."""

from __future__ import annotations

import re

_CRCN = re.compile(r"^[1-5]\.[1-4]$")


def describe_target(custom: dict[str, str]) -> str:
    competence = custom.get("competence", "").strip()
    if competence:
        if _CRCN.match(competence):
            return f"La compétence {competence} du CRCN (test de positionnement adaptatif)."
        return f"Compétence « {competence} » non reconnue (un code CRCN comme 1.1 est attendu)."
    if profile := custom.get("profile", "").strip():
        return f"Le profil cible « {profile} »."
    if campaign := custom.get("campaign", "").strip():
        return f"La campagne « {campaign} »."
    return "Aucune cible indiquée : ajoutez le paramètre personnalisé competence (ex. 1.1), profile ou campaign."
