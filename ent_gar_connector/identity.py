"""Pure mapping from GAR SAML attributes to a `GarIdentity` (no DB, no web)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.text import clean_name

log = logging.getLogger("ent_gar_connector")

UAI_FORMAT = re.compile(r"^\d{7}[A-Z]$")
UAI_CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
IDO_FORMAT = re.compile(r"^[A-Za-z0-9._:@-]{1,255}$")
# PRO → role. Librarians and heads of school get the teacher view; other profiles (parents...) are not served.
ROLE_BY_PROFILE = {
    "National_elv": "student",
    "National_ens": "teacher",
    "National_doc": "teacher",
    "National_dir": "teacher",
}
MAX_TEXT = 255


class GarAttributeError(Exception):
    def __init__(self, status: int, reason: str, code: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.status, self.reason, self.code = status, reason, code


@dataclass(frozen=True)
class GarGroupRef:
    code: str
    label: str


@dataclass(frozen=True)
class GarIdentity:
    ido: str
    role: str
    profile_code: str
    uais: tuple[str, ...]
    classes: tuple[GarGroupRef, ...]
    groups: tuple[GarGroupRef, ...]
    given_name: str | None = None
    family_name: str | None = None


def uai_check_letter_ok(uai: str) -> bool:
    return UAI_CHECK_LETTERS[int(uai[:7]) % 23] == uai[7]


def valid_uai(uai: str) -> bool:
    return bool(UAI_FORMAT.match(uai))


def parse_group(value: str) -> GarGroupRef | None:
    """`code##label` (a bare value is both code and label); None when empty."""
    code, _, label = value.partition("##")
    code, label = clean_name(code, MAX_TEXT) or "", clean_name(label, MAX_TEXT) or ""
    if not code:
        return None
    return GarGroupRef(code, label or code)


def _first(values: Sequence[str] | None) -> str | None:
    for value in values or ():
        if (cleaned := clean_name(value, MAX_TEXT)) is not None:
            return cleaned
    return None


def _unique_groups(values: Sequence[str] | None) -> tuple[GarGroupRef, ...]:
    seen: dict[str, GarGroupRef] = {}
    for value in values or ():
        ref = parse_group(value)
        if ref is not None and ref.code not in seen:
            seen[ref.code] = ref
    return tuple(seen.values())


def identity_from_attributes(attributes: Mapping[str, Sequence[str]]) -> GarIdentity:
    idos = [v.strip() for v in attributes.get("IDO", ()) if v.strip()]
    if len(set(idos)) != 1:
        raise GarAttributeError(400, "Le GAR n'a pas transmis d'identifiant (IDO) exploitable.", "gar_missing_ido")
    ido = idos[0]
    if not IDO_FORMAT.match(ido):
        raise GarAttributeError(400, "L'identifiant (IDO) transmis par le GAR est mal formé.", "gar_bad_ido")
    profile = next((p.strip() for p in attributes.get("PRO", ()) if p.strip() in ROLE_BY_PROFILE), None)
    if profile is None:
        raise GarAttributeError(403, "Votre profil ENT ne donne pas accès à cette ressource "
                                     "(élèves, enseignants, documentalistes et direction).", "gar_unknown_profile")
    uais: list[str] = []
    for raw in attributes.get("UAI", ()):
        uai = raw.strip()
        if not valid_uai(uai):
            raise GarAttributeError(400, f"Le code d'établissement (UAI) « {uai[:20]} » est mal formé.", "gar_bad_uai")
        if not uai_check_letter_ok(uai):
            log.warning("GAR UAI %s: check letter does not match (test UAI?)", uai)
        if uai not in uais:
            uais.append(uai)
    if not uais:
        raise GarAttributeError(400, "Le GAR n'a pas transmis de code d'établissement (UAI).", "gar_missing_uai")
    return GarIdentity(
        ido=ido, role=ROLE_BY_PROFILE[profile], profile_code=profile, uais=tuple(uais),
        classes=_unique_groups(attributes.get("DIV")), groups=_unique_groups(attributes.get("GRO")),
        given_name=_first(attributes.get("PRE")), family_name=_first(attributes.get("NOM")),
    )
