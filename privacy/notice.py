"""The privacy notice shown to pupils (11–18 years old): French first, English available. The parts that depend
on the deployment (who is responsible, the DPO's contact, how to ask, who hosts the service, anything to add)
come from a YAML file (`PIX_LTI_PRIVACY_NOTICE_FILE`); retention periods come from the retention settings, so
the notice always says what the purge does."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

from privacy.retention import RetentionSettings

CONFIGURABLE = ("controller", "dpo", "ask", "hosting", "extra")


class PrivacySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIX_LTI_PRIVACY_", extra="ignore")

    notice_file: Path | None = None


class NoticeFileError(ValueError):
    """The deployment's notice file cannot be used (said in English for the administrator's log)."""


@dataclass(frozen=True)
class NoticeTexts:
    controller: str
    dpo: str
    ask: str
    hosting: str
    extra: str = ""


DEFAULTS = {
    "fr": NoticeTexts(
        controller="Ton établissement scolaire : le chef d'établissement décide d'utiliser ce service pour les "
                   "élèves et en est responsable.",
        dpo="Le délégué à la protection des données (DPD) de ton académie. Le secrétariat de ton établissement "
            "te donne son adresse.",
        ask="Parle à ton professeur ou au chef d'établissement ; tes parents peuvent aussi le faire pour toi. "
            "Ils transmettent ta demande à l'administrateur du service, qui a un mois pour y répondre.",
        hosting="Le service est installé par ton établissement ou ton académie, sur ses propres serveurs.",
    ),
    "en": NoticeTexts(
        controller="Your school: the head of school decides to use this service for pupils and is responsible "
                   "for it.",
        dpo="Your académie's data protection officer (DPO). Your school's office will give you their address.",
        ask="Talk to your teacher or to the head of school; your parents can also do it for you. They pass your "
            "request on to the service's administrator, who has one month to answer.",
        hosting="The service is installed by your school or académie, on its own servers.",
    ),
}


@lru_cache(maxsize=8)
def _overrides(path: str, mtime: float) -> dict[str, dict[str, str]]:
    try:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NoticeFileError(f"privacy notice file {path} is unreadable: {exc}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not set(loaded) <= set(DEFAULTS):
        raise NoticeFileError(f"privacy notice file {path}: expected a mapping with 'fr' and/or 'en'")
    result: dict[str, dict[str, str]] = {}
    for locale, texts in loaded.items():
        if not isinstance(texts, dict):
            raise NoticeFileError(f"privacy notice file {path}: '{locale}' must be a mapping")
        unknown = set(texts) - set(CONFIGURABLE)
        if unknown:
            raise NoticeFileError(f"privacy notice file {path}: unknown key(s) {sorted(unknown)} in '{locale}' "
                                  f"(allowed: {', '.join(CONFIGURABLE)})")
        if not all(isinstance(v, str) for v in texts.values()):
            raise NoticeFileError(f"privacy notice file {path}: every text of '{locale}' must be a string")
        result[str(locale)] = {str(k): v.strip() for k, v in texts.items()}
    return result


def notice_texts(locale: str, settings: PrivacySettings | None = None) -> NoticeTexts:
    """The deployment's texts in this locale: its file's, else the defaults (French when the file has only
    French: better the school's own words than generic ones)."""
    settings = settings or PrivacySettings()
    texts = DEFAULTS.get(locale, DEFAULTS["fr"])
    if settings.notice_file is None:
        return texts
    path = settings.notice_file
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise NoticeFileError(f"privacy notice file {path} is missing: {exc}") from exc
    overrides = _overrides(str(path), mtime)
    chosen = overrides.get(locale) or overrides.get("fr") or {}
    return replace(texts, **chosen)


@dataclass(frozen=True)
class Periods:
    account_months: int
    answer_text_months: int
    class_list_days: int
    delivered_outbox_days: int
    certification_candidate_months: int = 12
    certificate_years: int = 4


def periods(settings: RetentionSettings | None = None) -> Periods:
    settings = settings or RetentionSettings()
    return Periods(round(settings.account_days / 30.4), round(settings.answer_text_days / 30.4),
                   settings.class_list_days, settings.delivered_outbox_days,
                   round(settings.certification_candidate_days / 30.4), round(settings.certificate_days / 365.25))
