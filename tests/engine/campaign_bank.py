"""A small referential for campaign tests: every challenge is a QCU whose right answer is 1."""

from __future__ import annotations

from bank_factory import make_referential, tube

from engine.referential import Referential

OK, KO = 1, 2


def campaign_referential() -> Referential:
    return make_referential({
        "1.1": [tube("url", [1, 2, 3, 4]), tube("moteur", [1, 2, 3])],
        "1.2": [tube("fichier", [2, 3, 5])],
        "2.1": [tube("mail", [1, 2, 3])],
    })
