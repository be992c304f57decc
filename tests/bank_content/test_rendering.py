"""Bank texts are rendered as pupils see them: tables accessible, nothing left as raw Markdown,
French typography checked."""

from __future__ import annotations

from markdown_it import MarkdownIt

from content_bank.loader import default_referential
from content_bank.markdown import render_inline, render_markdown
from content_bank.render_check import rendering_problems, text_problems, visible_text

SHEET = """Voici une feuille de tableur\u00a0:

| | A | B |
|---|---|--:|
| **1** | Élève | Maths |
| **2** | Chloé | 17 |
"""


def test_a_table_renders_with_column_header_cells_in_a_scrolling_region():
    html = str(render_markdown(SHEET))
    assert '<div class="tableau-defilant" role="region" aria-label="Tableau" tabindex="0">' in html
    assert '<th scope="col">A</th>' in html
    assert '<th class="aligne-droite" scope="col">B</th>' in html
    assert "<td>Chloé</td>" in html
    assert "|" not in visible_text(html)


def test_a_tableau_paragraph_above_a_table_becomes_its_caption():
    html = str(render_markdown("Tableau\u00a0: notes du **trimestre**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert "<caption>notes du <strong>trimestre</strong></caption>" in html
    assert 'aria-label="notes du trimestre"' in html
    assert "<p>Tableau" not in html


def test_no_inline_style_in_rendered_tables_because_the_csp_forbids_them():
    assert "style=" not in str(render_markdown("| a | b |\n|:-:|-:|\n| 1 | 2 |\n"))


def test_raw_html_is_still_never_rendered():
    assert "<script>" not in str(render_markdown("<script>alert(1)</script>\n\n| a |\n|---|\n| <b>x</b> |\n"))


def test_the_check_catches_a_table_the_old_commonmark_renderer_left_as_text():
    old = MarkdownIt("commonmark").render(SHEET)
    assert "| **1** |" not in old  # bold rendered, pipes left
    assert "| " in visible_text(old)
    # a table where tables cannot render (a one-line proposal) is reported
    assert "table syntax shown as text (a line of | … |)" in text_problems("| a | b |", inline=True)


def test_the_check_reports_leftover_markdown_and_raw_html():
    assert text_problems("Un texte **gras non fermé", inline=True) == ["bold markers shown as text (** or __)"]
    assert text_problems("Voir [le site](https://exemple.fr", inline=True)
    assert "raw HTML shown as text (write it in `code`)" in text_problems("La balise <title> du site")
    assert text_problems("La balise `<title>` du site") == []


def test_french_typography_is_checked_outside_code_and_urls():
    assert text_problems("Quelle heure est-il ?") == ["plain space before ': ; ? !' (use a non-breaking space)"]
    assert text_problems("Quelle heure est-il?")[0].startswith("no space before")
    assert text_problems("Quelle heure est-il\u202f?") == []
    assert text_problems("Il a dit « bonjour »") == ["« must be followed by a non-breaking space",
                                                     "» must be preceded by a non-breaking space"]
    assert text_problems("Il a dit «\u00a0bonjour\u00a0»") == []
    assert text_problems("Rendez-vous à 9h30.") == ["time written '9h': write '9 h' with a non-breaking space"]
    assert text_problems("Rendez-vous à 9\u00a0h\u00a030.") == []
    assert text_problems("Tapez `site:exemple.fr cantine ?` puis https://exemple.fr/?q=a!") == []
    assert text_problems("Is it?", french=False) == []


def test_the_shipped_bank_renders_without_problem():
    assert rendering_problems(default_referential()) == []


def test_every_table_of_the_shipped_bank_renders_as_a_table():
    bank = default_referential()
    with_tables = [c for c in bank.challenges.values() if "|---" in c.instruction.replace(" ", "")]
    assert len(with_tables) >= 60
    for challenge in with_tables:
        html = str(render_markdown(challenge.instruction))
        assert "<table>" in html and "<th scope=\"col\"" in html, challenge.id
        assert "|" not in visible_text(html).replace("||", ""), challenge.id


def test_inline_rendering_keeps_proposals_on_one_line():
    assert str(render_inline("`=B2+C2`")) == "<code>=B2+C2</code>"


def test_typography_command_adds_non_breaking_spaces_once_and_never_touches_answers(tmp_path):
    import shutil

    from typer.testing import CliRunner

    from content_bank.loader import DEFAULT_BANK, load_bank
    from pix_lti.cli import app

    bank = tmp_path / "bank"
    shutil.copytree(DEFAULT_BANK, bank)
    path = bank / "competences" / "1.1.yaml"
    original = path.read_text(encoding="utf-8")
    plain = original.replace("\u00a0", " ").replace("\u202f", " ")
    path.write_text(plain, encoding="utf-8")
    assert CliRunner().invoke(app, ["content", "check", str(bank)]).exit_code == 1  # plain spaces refused
    result = CliRunner().invoke(app, ["content", "typography", str(bank), "--write"])
    assert result.exit_code == 0 and "competences/1.1.yaml: réécrit" in result.output
    fixed = load_bank(bank)  # passes every check again
    assert {c.id: c.solution for c in fixed.challenges.values()} == \
        {c.id: c.solution for c in load_bank(DEFAULT_BANK).challenges.values()}
    assert "0 fichier " in CliRunner().invoke(app, ["content", "typography", str(bank)]).output  # idempotent
    path.write_text("competence: [", encoding="utf-8")
    broken = CliRunner().invoke(app, ["content", "typography", str(bank), "--write"])
    assert broken.exit_code == 1 and "illisible" in broken.output
    assert path.read_text(encoding="utf-8") == "competence: ["
