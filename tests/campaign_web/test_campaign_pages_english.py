"""The campaign pages in English when the platform launches in English (`launch_presentation.locale`), French
otherwise; the CSV export stays French whatever the language (its columns are those of engine.md §7)."""

from __future__ import annotations

import re

from content_bank.loader import default_referential
from tests.campaign_web.test_campaign_pages import Person, create, join, path_of, take_by_skipping
from tests.lti.conftest import Tool
from web.i18n import catalogue_keys, translator

FRENCH_WORDS = ("Parcours", "parcours", "Créer", "Rejoindre", "Maîtrise", "Envoyer", "Élève", "Statut", "Palier",
                "Cours «", "Sujets", "résultats", "enseignant")


def visible_text(html: str) -> str:
    """The words a person reads: the text between tags, without the links, form values and the campaign's name."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_english(html: str, *allowed: str) -> None:
    text = visible_text(html)
    for word in allowed:
        text = text.replace(word, "")
    for word in FRENCH_WORDS:
        assert word not in text, (word, text)
    assert '<html lang="en">' in html


def test_a_teacher_launched_in_english_sees_the_list_creation_form_and_dashboard_in_english(any_tool: Tool) -> None:
    teacher = Person(any_tool, "prof", teacher=True, locale="en-GB")
    empty = teacher.get("/campagnes")
    assert empty.status_code == 200 and "No campaigns for your classes yet." in empty.text
    assert_english(empty.text)

    form = teacher.get("/campagnes/nouveau")
    assert form.status_code == 200
    assert "Create a campaign" in form.text and "Campaign name" in form.text and "Course “" in form.text
    assert "Topics assessed (target profile)" in form.text and "Create the campaign" in form.text
    # the content bank (domains, competences, topics) stays French; the rest of the form is English
    fieldset = re.search(r'<fieldset class="tubes"[^>]*>.*?</fieldset>', form.text, flags=re.S)
    assert fieldset
    assert_english(form.text.replace(fieldset.group(0), ""))

    refused = teacher.post("/campagnes/nouveau", {"nom": "", "type": "assessment"})
    assert refused.status_code == 400 and "Give the campaign a name (255 characters at most)." in refused.text

    campaign_id, code = create(teacher, "Research")
    listed = teacher.get("/campagnes")
    assert "Campaigns for my classes" in listed.text and "Assessment" in listed.text and "Research" in listed.text
    assert_english(listed.text)

    ana = Person(any_tool, "ana", given="Ana", family="Aubert", locale="en-GB")
    participation = join(ana, code)
    take_by_skipping(ana, participation)
    path_of(ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"}))
    join(Person(any_tool, "bob", given="Bob", family="Bernard"), code)  # French: his row is worded for the teacher

    board = teacher.get(f"/campagnes/{campaign_id}")
    assert board.status_code == 200
    for words in ("Code to give to students:", "Participants:", "Results sent:", "Export the results (CSV)",
                  "Class heatmap", "Skills mastery by competence (1 result sent)", "Student", "Status", "Mastery",
                  "Stage", "Sent", "In progress", "0%</td>", "Not started yet"):
        assert words in board.text, words
    assert 'data-count="participants">2<' in board.text and 'data-count="shared">1<' in board.text
    english = translator("en")
    competences = [c for d in default_referential().domains for c in d.competences]
    assert not [c.code for c in competences if f"<title>{c.code} {c.name} — " in board.text]  # heatmap: English
    assert [c.code for c in competences if f"<title>{c.code} {english.bank(c.code, c.name)} — " in board.text]
    assert_english(board.text, "Research")
    levels = teacher.get(f"/campagnes/{campaign_id}", vue="niveaux")
    assert "lvl 0</td>" in levels.text and "profile levels" in levels.text

    # the export is a file for the school's tools: its columns stay French (engine.md §7)
    export = teacher.get(f"/campagnes/{campaign_id}/export.csv")
    assert export.status_code == 200
    header, first = export.content.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("Nom;Prénom") and "Envoyé" in first


def test_a_student_launched_in_english_joins_and_follows_their_campaign_in_english(tool: Tool) -> None:
    teacher = Person(tool, "prof", teacher=True)  # French: the campaign's own name is not translated
    campaign_id, code = create(teacher, "Recherche")
    ana = Person(tool, "ana", locale="en-GB")

    join_page = ana.get("/campagnes/rejoindre")
    assert join_page.status_code == 200 and "Join a campaign" in join_page.text
    assert "Campaign code (6 letters then 3 digits, given by your teacher)" in join_page.text
    assert_english(join_page.text)
    found = ana.get("/campagnes/rejoindre", code=code)
    assert found.status_code == 200 and "Join this campaign" in found.text and "assessment campaign" in found.text

    unknown = ana.post("/campagnes/rejoindre", {"code": "ABCDEF234"})
    assert unknown.status_code == 404
    assert "No campaign has this code. Check the code your teacher gave you." in unknown.text
    assert_english(unknown.text)
    looked_up = ana.get("/campagnes/rejoindre", code="ABCDEF234")
    assert looked_up.status_code == 404 and "No campaign has this code." in looked_up.text
    malformed = ana.post("/campagnes/rejoindre", {"code": "AB12"})
    assert malformed.status_code == 400 and "A code has 6 letters then 3 digits" in malformed.text

    participation = join(ana, code)
    started = ana.get(f"/campagnes/participations/{participation}")
    assert started.status_code == 200 and "Campaign in progress" in started.text
    assert "Start the campaign" in started.text and f"Campaign {code}" in started.text
    assert_english(started.text, "Recherche")

    too_soon = ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"})
    assert too_soon.status_code == 409 and "Complete the campaign before sending your results." in too_soon.text
    assert "Back to the campaign" in too_soon.text

    take_by_skipping(ana, participation)
    completed = ana.get(f"/campagnes/participations/{participation}")
    assert "Campaign completed. Your results have not been sent yet." in completed.text
    assert "Send my results" in completed.text and "Mastery by competence" in completed.text
    assert "data-mastery>0%<" in completed.text
    unconfirmed = ana.post(f"/campagnes/participations/{participation}/envoyer")
    assert unconfirmed.status_code == 422 and "Tick the box to confirm sending your results." in unconfirmed.text

    path_of(ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"}))
    shared = ana.get(f"/campagnes/participations/{participation}")
    assert "Results sent on " in shared.text and "They can no longer be changed." in shared.text
    assert_english(shared.text, "Recherche")
    again = ana.post(f"/campagnes/participations/{participation}/envoyer", {"confirmation": "oui"})
    assert again.status_code == 409 and "Your results have already been sent." in again.text

    # another student's participation, and the teachers' pages: English refusals
    bob = Person(tool, "bob", locale="en")
    assert "This participation does not exist or is not yours." in bob.get(
        f"/campagnes/participations/{participation}").text
    teachers_only = bob.get(f"/campagnes/{campaign_id}")
    assert teachers_only.status_code == 403 and "This page is for teachers only." in teachers_only.text


def test_french_and_other_languages_keep_the_french_pages(tool: Tool) -> None:
    teacher = Person(tool, "prof", teacher=True, locale="de-DE")
    listed = teacher.get("/campagnes")
    assert "Parcours de mes classes" in listed.text and '<html lang="fr">' in listed.text
    _, code = create(teacher)
    ana = Person(tool, "ana", locale="fr-FR")
    unknown = ana.post("/campagnes/rejoindre", {"code": "ABCDEF234"})
    assert unknown.status_code == 404 and "Aucun parcours ne porte ce code." in unknown.text
    participation = join(ana, code)
    assert "Commencer le parcours" in ana.get(f"/campagnes/participations/{participation}").text


def test_every_campaign_text_exists_in_both_languages_and_a_missing_key_never_breaks_a_page() -> None:
    french = {k for k in catalogue_keys("fr") if k.startswith("campaign.")}
    english = {k for k in catalogue_keys("en") if k.startswith("campaign.")}
    assert french == english and len(french) > 100
    t = translator("en")
    assert t("campaign.no_such_key") == "campaign.no_such_key"
    assert t("campaign.percent") == "{n}%"  # a placeholder without its value is shown as written
    assert t("campaign.percent", other=3) == "{n}%"
    assert translator("xx")("campaign.nav") == "Parcours"
