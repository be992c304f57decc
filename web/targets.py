"""What an activity targets, read from its custom parameters, in the session's language (French first)."""

from __future__ import annotations

import re

_CRCN = re.compile(r"^[1-5]\.[1-4]$")

_TEXTS = {
    "fr": {
        "competence": "La compétence {code} du CRCN (test de positionnement adaptatif).",
        "bad_competence": "Compétence « {code} » non reconnue (un code CRCN comme 1.1 est attendu).",
        "profile": "Votre profil complet : les 16 compétences du CRCN.",
        "campaign": "Le parcours « {code} ».",
        "quicktest": "Le test « Essayez sans inscription » (8 questions, rien n'est enregistré).",
        "none": "Aucune cible indiquée : ajoutez le paramètre personnalisé competence (ex. 1.1), profile ou campaign.",
    },
    "en": {
        "competence": "Competence {code} of the CRCN (adaptive positioning test).",
        "bad_competence": "Unknown competence “{code}” (a CRCN code such as 1.1 is expected).",
        "profile": "Your whole profile: the 16 competences of the CRCN.",
        "campaign": "The campaign “{code}”.",
        "quicktest": "The “Try it without an account” test (8 questions, nothing stored).",
        "none": "No target given: add the custom parameter competence (e.g. 1.1), profile or campaign.",
    },
}
ROLE_LABELS = {
    "fr": {"student": "élève", "teacher": "enseignant·e", "admin": "administrateur·rice"},
    "en": {"student": "student", "teacher": "teacher", "admin": "administrator"},
}


def describe_target(custom: dict[str, str], locale: str = "fr") -> str:
    texts = _TEXTS.get(locale, _TEXTS["fr"])
    competence = custom.get("competence", "").strip()
    if competence:
        key = "competence" if _CRCN.match(competence) else "bad_competence"
        return texts[key].format(code=competence)
    for key in ("profile", "campaign", "quicktest"):
        if value := custom.get(key, "").strip():
            return texts[key].format(code=value)
    return texts["none"]


def role_label(role: str, locale: str = "fr") -> str:
    return ROLE_LABELS.get(locale, ROLE_LABELS["fr"]).get(role, role)
