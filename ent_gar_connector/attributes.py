"""GAR attribute names, whatever way an IdP spells them (pure).

The GAR documents its attributes by short names (`IDO`, `UAI`, `PRO`…). A pysaml2 or SimpleSAMLphp IdP sends
them as `Name="IDO"` (NameFormat basic, uri or unspecified); a Shibboleth IdP sends `Name="urn:oid:…"` with
the short name in `FriendlyName`. An attribute is read under its GAR name when its Name or its FriendlyName is
one; the NameFormat is not looked at. Any other attribute is dropped (the tool keeps nothing it does not use).
"""

from __future__ import annotations

from collections.abc import Iterable

GAR_ATTRIBUTES = frozenset({"IDO", "UAI", "PRO", "DIV", "GRO", "P_MS4", "PRE", "NOM", "P_MEL"})


def gar_name(name: str | None, friendly_name: str | None) -> str | None:
    for candidate in (name, friendly_name):
        if candidate and candidate.strip() in GAR_ATTRIBUTES:
            return candidate.strip()
    return None


def gar_attributes(received: Iterable[tuple[str | None, str | None, list[str]]]) -> dict[str, list[str]]:
    """(Name, FriendlyName, values) as received → {GAR name: non-empty values, in order, repeats merged}."""
    values: dict[str, list[str]] = {}
    for name, friendly_name, texts in received:
        key = gar_name(name, friendly_name)
        if key is None:
            continue
        values.setdefault(key, []).extend(t.strip() for t in texts if t and t.strip())
    return values
