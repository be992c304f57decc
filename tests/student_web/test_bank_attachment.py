"""The file a challenge asks to open (5.1's backup log) is served to download, as the bank ships it."""

from __future__ import annotations

from tests.lti.conftest import Tool


def test_the_backup_log_attachment_is_served_as_csv(tool: Tool) -> None:
    response = tool.client.get("/medias/5.1-journal-sauvegarde.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "date;heure;niveau;message"
    assert "2026-11-18;08:02:13;ERREUR;" in text
