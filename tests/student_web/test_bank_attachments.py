"""Files a challenge asks the pupil to download (issue 16): the bank's first attachment, a CSV file, is
served by the media route as a downloadable file, with the same safe headers as the images."""

from __future__ import annotations

from content_bank.loader import DEFAULT_BANK, default_referential
from tests.lti.conftest import Tool


def test_every_attachment_of_the_shipped_bank_is_served(tool: Tool) -> None:
    attachments = {a for c in default_referential().challenges.values() for a in c.attachments}
    assert "media/1.3-cantine-repas.csv" in attachments
    for path in attachments:
        response = tool.client.get("/medias/" + path.removeprefix("media/"))
        assert response.status_code == 200, path
        assert response.content == (DEFAULT_BANK / path).read_bytes()
        assert "sandbox" in response.headers["content-security-policy"]


def test_the_csv_attachment_is_sent_as_csv(tool: Tool) -> None:
    response = tool.client.get("/medias/1.3-cantine-repas.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "date;jour;repas_reserves;repas_servis"
