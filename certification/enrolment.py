"""Enrolling candidates in a session: from the centre's classes (GAR DIV/GRO, the LMS course's roster as NRPS
last gave it) or from a CSV file with the columns schools have. Each CSV row is checked and every error is
reported with its line; nothing is enrolled unless every row is right. A pupil may not be certified twice within
15 days (engine.md §9)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from certification import access, repository
from certification.errors import (
    ALREADY_ENROLLED,
    ALREADY_STARTED,
    BAD_STATE,
    FORBIDDEN,
    TOO_SOON,
    UNKNOWN,
    StaffRefusal,
)
from certification.models import CandidateRow, CentreRow, SessionRow
from certification.sessions import SessionState, visible_session
from core.accounts import Account
from core.courses import Course, Membership
from core.rosters import roster_for_course
from core.schools import GarGroup, GarGroupMember, GarProfile, GarSchool, GarSchoolMember

DAYS_BETWEEN_CERTIFICATIONS = 15
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 3000
_CHUNK = 500


@dataclass(frozen=True)
class CandidateDraft:
    first_name: str
    last_name: str
    birth_date: date | None = None
    division: str | None = None
    extra_time_percent: int = 0
    accessibility_adjustment: bool = False
    account_id: int | None = None


@dataclass(frozen=True)
class ClassOfCentre:
    """A class or group a centre can enrol from: `key` is "g<gar group id>" or "c<course id>"."""

    key: str
    label: str
    kind: str  # "class" | "group" | "course"
    pupils: tuple[tuple[int, str, str], ...]  # (account id, first name, last name)


@dataclass(frozen=True)
class RowError:
    line: int  # line of the file (the header is line 1)
    field: str  # "last_name" | "first_name" | "birth_date" | "division" | "extra_time" | "accessibility" | "row"
    code: str  # "missing" | "too_long" | "bad_date" | "bad_percent" | "bad_yes_no" | "duplicate" | "too_soon" ...


class CsvRefused(Exception):
    """The file as a whole is refused (`code`: "too_big", "not_text", "no_header", "missing_columns", "empty",
    "too_many_rows") or some rows are wrong (`errors`)."""

    def __init__(self, code: str, errors: Sequence[RowError] = (), missing: Sequence[str] = ()) -> None:
        self.code = code
        self.errors = tuple(errors)
        self.missing = tuple(missing)
        super().__init__(code)


# --- who can be enrolled -----------------------------------------------------------------------------------------

def _enrolling_session(db: Session, session_id: int, by_account: int) -> tuple[SessionRow, CentreRow]:
    row, role = visible_session(db, session_id, by_account)
    centre = db.get(CentreRow, row.centre_id)
    assert centre is not None
    if not (access.may_create_sessions(centre, role) or row.created_by == by_account):
        raise StaffRefusal(FORBIDDEN, 403)
    if row.state != SessionState.CREATED:
        raise StaffRefusal(BAD_STATE, 409)
    return row, centre


def centre_classes(db: Session, centre: CentreRow) -> list[ClassOfCentre]:
    """The classes and groups of a school centre (their pupils as the GAR gave them), or the pupils of an LMS
    centre's course (its members, and the roster NRPS last gave: roster pupils who never opened the tool get
    their account now, the one their first launch will find)."""
    if centre.uai is not None:
        school = db.scalar(select(GarSchool).where(GarSchool.uai == centre.uai))
        if school is None:
            return []
        groups = db.scalars(select(GarGroup).where(GarGroup.school_id == school.id)
                            .order_by(GarGroup.kind, GarGroup.label)).all()
        pupils: dict[int, list[tuple[int, str, str]]] = {g.id: [] for g in groups}
        for group_id, account in db.execute(
                select(GarGroupMember.group_id, Account)
                .join(Account, Account.id == GarGroupMember.account_id)
                .join(GarProfile, GarProfile.account_id == Account.id)
                .where(GarGroupMember.group_id.in_(list(pupils)), GarProfile.role == "student")):
            pupils[group_id].append((account.id, *_names(account)))
        return [ClassOfCentre(f"g{g.id}", g.label, g.kind, tuple(sorted(pupils[g.id], key=lambda p: (p[2], p[1]))))
                for g in groups if pupils[g.id]]
    if centre.course_id is None:
        return []
    course = db.get(Course, centre.course_id)
    if course is None:
        return []
    found: dict[int, tuple[int, str, str]] = {}
    for account in db.scalars(select(Account).join(Membership, Membership.account_id == Account.id)
                              .where(Membership.course_id == course.id, Membership.role == "student")):
        found[account.id] = (account.id, *_names(account))
    for entry in roster_for_course(db, course.id).members:
        if not entry.is_learner or entry.status != "Active":
            continue
        account_id = entry.account_id
        if account_id is None:
            account = Account(issuer=course.issuer, sub=entry.user_id, name=entry.name, given_name=entry.given_name,
                              family_name=entry.family_name)
            db.add(account)
            db.flush()
            account_id = account.id
        found.setdefault(account_id, (account_id, entry.given_name or "", entry.family_name or entry.name or ""))
    pupils_list = tuple(sorted(found.values(), key=lambda p: (p[2].casefold(), p[1].casefold())))
    label = course.title or course.label or course.context_id
    return [ClassOfCentre(f"c{course.id}", label, "course", pupils_list)] if pupils_list else []


def _names(account: Account) -> tuple[str, str]:
    first = account.given_name or ""
    last = account.family_name or ""
    if not first and not last:
        last = account.name or ""
    return first, last


def _divisions_of(db: Session, account_ids: Sequence[int], centre: CentreRow) -> dict[int, str | None]:
    """Each pupil's class: the first GAR class (DIV) by label, or the LMS course's label."""
    if centre.uai is None:
        course = db.get(Course, centre.course_id) if centre.course_id else None
        label = (course.label or course.title) if course else None
        return dict.fromkeys(account_ids, label)
    found: dict[int, str | None] = {}
    for start in range(0, len(account_ids), _CHUNK):
        rows = db.execute(select(GarGroupMember.account_id, GarGroup.label)
                          .join(GarGroup, GarGroup.id == GarGroupMember.group_id)
                          .where(GarGroupMember.account_id.in_(account_ids[start:start + _CHUNK]),
                                 GarGroup.kind == "class").order_by(GarGroup.label.desc()))
        found.update(dict(rows.all()))  # the smallest label wins (written last)
    return {a: found.get(a) for a in account_ids}


# --- the 15-day rule ---------------------------------------------------------------------------------------------

def too_soon(db: Session, account_id: int, session_date: date, except_session: int | None = None) -> bool:
    """Another session of the pupil (not marked absent) less than 15 days before or after this date."""
    return account_id in accounts_too_soon(db, [account_id], session_date, except_session)


def accounts_too_soon(db: Session, account_ids: Sequence[int], session_date: date,
                      except_session: int | None = None) -> set[int]:
    """Those of the pupils enrolled in another session (not marked absent) less than 15 days away."""
    low = session_date - timedelta(days=DAYS_BETWEEN_CERTIFICATIONS - 1)
    high = session_date + timedelta(days=DAYS_BETWEEN_CERTIFICATIONS - 1)
    found: set[int] = set()
    for start in range(0, len(account_ids), _CHUNK):
        query = (select(CandidateRow.account_id).join(SessionRow, SessionRow.id == CandidateRow.session_id)
                 .where(CandidateRow.account_id.in_(account_ids[start:start + _CHUNK]),
                        CandidateRow.absent.is_(False), SessionRow.date >= low, SessionRow.date <= high))
        if except_session is not None:
            query = query.where(SessionRow.id != except_session)
        found.update(a for a in db.scalars(query) if a is not None)
    return found


# --- enrolment ---------------------------------------------------------------------------------------------------

def pupils_of_centre(db: Session, centre: CentreRow) -> dict[int, tuple[str, str]]:
    return {p[0]: (p[1], p[2]) for c in centre_classes(db, centre) for p in c.pupils}


def enrol_pupils(db: Session, session_id: int, account_ids: Iterable[int], by_account: int) -> list[CandidateRow]:
    """Enrol pupils of the centre's classes by account. All or nothing: a pupil who is not one of the centre's,
    already enrolled or certified less than 15 days away refuses the whole request (`detail`: the account)."""
    row, centre = _enrolling_session(db, session_id, by_account)
    pupils = pupils_of_centre(db, centre)
    chosen = list(dict.fromkeys(account_ids))
    enrolled = {c.account_id for c in repository.candidates_of_session(db, row.id)}
    soon = accounts_too_soon(db, chosen, row.date, except_session=row.id)
    for account_id in chosen:  # every pupil checked before any is added
        if account_id not in pupils:
            raise StaffRefusal(UNKNOWN, 404, str(account_id))
        if account_id in enrolled:
            raise StaffRefusal(ALREADY_ENROLLED, 409, str(account_id))
        if account_id in soon:
            raise StaffRefusal(TOO_SOON, 409, str(account_id))
    divisions = _divisions_of(db, chosen, centre)
    added = []
    for account_id in chosen:
        first, last = pupils[account_id]
        candidate = CandidateRow(session_id=row.id, account_id=account_id, first_name=first or "-",
                                 last_name=last or "-", division=divisions.get(account_id))
        db.add(candidate)
        added.append(candidate)
    db.flush()
    return added


def remove_candidate(db: Session, candidate_id: int, by_account: int) -> None:
    candidate = repository.candidate(db, candidate_id)
    if candidate is None:
        raise StaffRefusal(UNKNOWN, 404)
    _enrolling_session(db, candidate.session_id, by_account)
    if repository.course_of_candidate(db, candidate.id) is not None:
        raise StaffRefusal(ALREADY_STARTED, 409)
    db.delete(candidate)
    db.flush()


# --- CSV ---------------------------------------------------------------------------------------------------------

_COLUMNS: dict[str, tuple[str, ...]] = {
    "last_name": ("nom", "nom de famille", "last name", "family name", "surname"),
    "first_name": ("prenom", "first name", "given name"),
    "birth_date": ("date de naissance", "naissance", "birth date", "date of birth"),
    "division": ("classe", "division", "class"),
    "extra_time": ("temps majore", "temps majore (%)", "temps majore %", "tiers temps", "extra time",
                   "extra time (%)", "extra time %"),
    "accessibility": ("amenagement", "amenagement d'accessibilite", "accessibilite", "accessibility",
                      "accessibility adjustment"),
}
REQUIRED_COLUMNS = ("last_name", "first_name", "birth_date")
_YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
_NO = {"non", "n", "no", "0", "faux", "false", ""}
_DATE_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def plain(text: str) -> str:
    """Lower case, accents off, spaces collapsed: how column names and names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def decode_csv(raw: bytes) -> str:
    if len(raw) > MAX_CSV_BYTES:
        raise CsvRefused("too_big")
    if b"\x00" in raw:
        raise CsvRefused("not_text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else _not_text()


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _not_text() -> str:
    raise CsvRefused("not_text")


def _parse_date(value: str) -> date | None:
    match = _DATE_FR.fullmatch(value)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        match = _DATE_ISO.fullmatch(value)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


def parse_candidates_csv(text: str, today: date) -> list[tuple[int, CandidateDraft]]:
    """(line, draft) for each row, or CsvRefused listing every wrong row. The delimiter (; , or tab) is found
    from the header; column names are matched without case or accents, in French or English."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CsvRefused("no_header")
    header_line = lines[0]
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [plain(h) for h in next(reader)]
    index: dict[str, int] = {}
    for field, names in _COLUMNS.items():
        for position, name in enumerate(header):
            if name in names:
                index[field] = position
                break
    missing = [f for f in REQUIRED_COLUMNS if f not in index]
    if missing:
        raise CsvRefused("missing_columns", missing=missing)
    drafts: list[tuple[int, CandidateDraft]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, date | None], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(drafts) + len(errors) >= MAX_CSV_ROWS:
            raise CsvRefused("too_many_rows")

        def cell(field: str, cells: list[str] = cells) -> str:
            position = index.get(field)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        row_errors: list[RowError] = []
        last, first = cell("last_name"), cell("first_name")
        for field, value in (("last_name", last), ("first_name", first)):
            if not value:
                row_errors.append(RowError(number, field, "missing"))
            elif len(value) > 255:
                row_errors.append(RowError(number, field, "too_long"))
        birth_text = cell("birth_date")
        birth = _parse_date(birth_text)
        if not birth_text:
            row_errors.append(RowError(number, "birth_date", "missing"))
        elif birth is None:
            row_errors.append(RowError(number, "birth_date", "bad_date"))
        elif not date(1900, 1, 1) <= birth <= today:
            row_errors.append(RowError(number, "birth_date", "impossible_date"))
        division = cell("division")
        if len(division) > 255:
            row_errors.append(RowError(number, "division", "too_long"))
        extra_text = cell("extra_time").rstrip("%").strip()
        extra = 0
        if extra_text:
            if not re.fullmatch(r"\d{1,3}", extra_text) or int(extra_text) > 100:
                row_errors.append(RowError(number, "extra_time", "bad_percent"))
            else:
                extra = int(extra_text)
        adjustment_text = plain(cell("accessibility"))
        if adjustment_text not in _YES | _NO:
            row_errors.append(RowError(number, "accessibility", "bad_yes_no"))
        key = (plain(last), plain(first), birth)
        if not row_errors and key in seen:
            row_errors.append(RowError(number, "row", "duplicate"))
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[key] = number
        drafts.append((number, CandidateDraft(first, last, birth, division or None, extra,
                                              adjustment_text in _YES)))
    if errors:
        raise CsvRefused("rows", errors)
    if not drafts:
        raise CsvRefused("empty")
    return drafts


def _match_accounts(db: Session, centre: CentreRow) -> dict[tuple[str, str], list[int]]:
    """(last, first) as `plain` writes them -> the centre's pupils with those names (GAR: also the names the
    school's class list gave)."""
    names: dict[tuple[str, str], list[int]] = {}
    if centre.uai is not None:
        rows = db.execute(select(Account.id, Account.family_name, Account.given_name, GarProfile.listed_family_name,
                                 GarProfile.listed_given_name)
                          .join(GarProfile, GarProfile.account_id == Account.id)
                          .join(GarSchoolMember, GarSchoolMember.account_id == Account.id)
                          .join(GarSchool, GarSchool.id == GarSchoolMember.school_id)
                          .where(GarSchool.uai == centre.uai, GarProfile.role == "student"))
        for account_id, family, given, listed_family, listed_given in rows:
            for key in {(plain(family or ""), plain(given or "")), (plain(listed_family or ""),
                                                                     plain(listed_given or ""))}:
                if key[0] and key[1]:
                    names.setdefault(key, []).append(account_id)
    else:
        for account_id, (first, last) in pupils_of_centre(db, centre).items():
            names.setdefault((plain(last), plain(first)), []).append(account_id)
    return names


def enrol_from_csv(db: Session, session_id: int, raw: bytes, by_account: int, today: date) -> list[CandidateRow]:
    """Every row checked first; then each pupil is matched to their account in the centre by name when exactly
    one matches (else they are enrolled without one), and the 15-day rule and duplicates in the session are
    checked. Any error: CsvRefused with every wrong row, nothing written."""
    row, centre = _enrolling_session(db, session_id, by_account)
    drafts = parse_candidates_csv(decode_csv(raw), today)
    matches = _match_accounts(db, centre)
    existing = repository.candidates_of_session(db, row.id)
    enrolled_keys = {(plain(c.last_name), plain(c.first_name), c.birth_date) for c in existing}
    enrolled_accounts = {c.account_id for c in existing if c.account_id is not None}
    matched = [ids[0] for ids in matches.values() if len(set(ids)) == 1]
    soon = accounts_too_soon(db, matched, row.date, except_session=row.id)
    errors: list[RowError] = []
    planned: list[CandidateRow] = []
    for line, draft in drafts:
        key = (plain(draft.last_name), plain(draft.first_name))
        candidates = matches.get(key, [])
        account_id = candidates[0] if len(set(candidates)) == 1 else None
        if (*key, draft.birth_date) in enrolled_keys or (account_id is not None and account_id in enrolled_accounts):
            errors.append(RowError(line, "row", "already_enrolled"))
            continue
        if account_id is not None and account_id in soon:
            errors.append(RowError(line, "row", "too_soon"))
            continue
        if account_id is not None:
            enrolled_accounts.add(account_id)
        planned.append(CandidateRow(session_id=row.id, account_id=account_id, first_name=draft.first_name,
                                    last_name=draft.last_name, birth_date=draft.birth_date, division=draft.division,
                                    extra_time_percent=draft.extra_time_percent,
                                    accessibility_adjustment=draft.accessibility_adjustment))
    if errors:
        raise CsvRefused("rows", errors)
    db.add_all(planned)
    db.flush()
    return planned


def update_candidate(db: Session, candidate_id: int, extra_time_percent: int, accessibility_adjustment: bool,
                     birth_date: date | None, by_account: int) -> CandidateRow:
    """What staff may change on a candidate before their test starts."""
    candidate = repository.candidate(db, candidate_id)
    if candidate is None:
        raise StaffRefusal(UNKNOWN, 404)
    _enrolling_session(db, candidate.session_id, by_account)
    if repository.course_of_candidate(db, candidate.id) is not None:
        raise StaffRefusal(ALREADY_STARTED, 409)
    if not 0 <= extra_time_percent <= 100:
        raise StaffRefusal("invalid", 400, "extra_time")
    candidate.extra_time_percent = extra_time_percent
    candidate.accessibility_adjustment = accessibility_adjustment
    candidate.birth_date = birth_date
    return candidate

