"""The interface's words in French (default) and English; challenge content itself stays French."""

from __future__ import annotations

from collections.abc import Callable

LOCALES = ("fr", "en")


def normalise_locale(value: object) -> str:
    """"en-GB", "en_US", "EN" -> "en"; anything else (missing, unknown) -> "fr"."""
    if isinstance(value, str):
        language = value.strip().replace("_", "-").split("-")[0].lower()
        if language in LOCALES:
            return language
    return "fr"


MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "lang": "fr",
        "skip_link": "Aller au contenu",
        "profile.title": "Mon profil de compétences",
        "profile.total": "{pix} pix sur {max}",
        "profile.certifiable": "Vous êtes certifiable.",
        "profile.not_certifiable": "Encore {n} compétence(s) à faire passer au niveau 1 pour être certifiable.",
        "profile.wheel": "Vue d'ensemble : chaque secteur est une compétence, rempli selon son niveau.",
        "profile.domain": "Domaine {code} — {name}",
        "card.level": "Niveau {level}",
        "card.pix": "{pix} pix",
        "card.next": "{n} pix avant le niveau suivant",
        "card.max": "Niveau maximum atteint",
        "card.status.not_started": "Non commencée",
        "card.status.started": "En cours",
        "card.status.completed": "Terminée",
        "action.start": "Commencer",
        "action.resume": "Reprendre",
        "action.retry": "Retenter",
        "action.reset": "Remettre à zéro",
        "action.available_in": "Retenter : disponible dans {n} jour(s)",
        "action.reset_confirm": "Remettre cette compétence à zéro ? Les pix gagnés seront effacés.",
        "action.for": "{action} : {name}",
        "test.progress": "Question {n}",
        "test.competence": "Compétence {code} — {name}",
        "test.skip": "Je passe",
        "test.submit": "Je valide",
        "test.timer": "Temps restant",
        "test.timer_seconds": "{n} secondes",
        "test.timer_announce": "Il reste {n} secondes.",
        "test.timer_over": "Temps écoulé : votre réponse comptera comme hors délai.",
        "test.choose_one": "Choisissez une réponse",
        "test.choose_many": "Choisissez une ou plusieurs réponses",
        "test.answer": "Votre réponse",
        "test.empty": "Répondez à la question, ou cliquez sur « Je passe ».",
        "test.unreadable": "Cette réponse est illisible. Répondez de nouveau.",
        "test.attachment": "Fichier à télécharger : {name}",
        "result.ok": "Bonne réponse",
        "result.ko": "Mauvaise réponse",
        "result.skipped": "Question passée",
        "result.timedout": "Réponse juste, mais hors délai",
        "result.tutorials": "Pour réussir la prochaine fois",
        "result.continue": "Continuer",
        "result.finish": "Voir mon résultat",
        "end.title": "Test terminé",
        "end.level": "Niveau {level} atteint sur la compétence {code} ({pix} pix).",
        "end.changed": "Avant ce test : niveau {level}, {pix} pix. Gain : {gain} pix.",
        "end.unchanged": "Votre niveau n'a pas changé cette fois.",
        "end.next": "Et maintenant ?",
        "end.profile": "Voir mon profil",
        "nav.profile": "Mon profil",
        "activity.hello": "Bonjour {person} !",
        "activity.how": "Le test s'adapte à vos réponses : il s'arrête quand votre niveau est établi. Vous pouvez "
                        "le quitter et le reprendre plus tard ; « Je passe » est toujours possible.",
        "teacher.title": "Vue enseignant·e",
        "teacher.assesses": "Ce que l'activité évalue",
        "teacher.dashboard": "Suivez votre classe avec les parcours : créez-en un, donnez son code, consultez "
                             "son tableau de bord.",
        "teacher.campaigns": "Parcours et tableau de bord",
        "teacher.try": "Essayer le test vous-même",
    },
    "en": {
        "lang": "en",
        "skip_link": "Skip to content",
        "profile.title": "My competence profile",
        "profile.total": "{pix} pix out of {max}",
        "profile.certifiable": "You are eligible for certification.",
        "profile.not_certifiable": "{n} more competence(s) to bring to level 1 to be eligible for certification.",
        "profile.wheel": "Overview: each sector is a competence, filled according to its level.",
        "profile.domain": "Area {code} — {name}",
        "card.level": "Level {level}",
        "card.pix": "{pix} pix",
        "card.next": "{n} pix to the next level",
        "card.max": "Maximum level reached",
        "card.status.not_started": "Not started",
        "card.status.started": "In progress",
        "card.status.completed": "Completed",
        "action.start": "Start",
        "action.resume": "Resume",
        "action.retry": "Try again",
        "action.reset": "Reset",
        "action.available_in": "Try again: available in {n} day(s)",
        "action.reset_confirm": "Reset this competence? The pix earned will be erased.",
        "action.for": "{action}: {name}",
        "test.progress": "Question {n}",
        "test.competence": "Competence {code} — {name}",
        "test.skip": "Skip",
        "test.submit": "Submit",
        "test.timer": "Time left",
        "test.timer_seconds": "{n} seconds",
        "test.timer_announce": "{n} seconds left.",
        "test.timer_over": "Time is up: your answer will count as late.",
        "test.choose_one": "Choose one answer",
        "test.choose_many": "Choose one or more answers",
        "test.answer": "Your answer",
        "test.empty": "Answer the question, or click “Skip”.",
        "test.unreadable": "This answer could not be read. Please answer again.",
        "test.attachment": "File to download: {name}",
        "result.ok": "Right answer",
        "result.ko": "Wrong answer",
        "result.skipped": "Question skipped",
        "result.timedout": "Right answer, but too late",
        "result.tutorials": "To succeed next time",
        "result.continue": "Continue",
        "result.finish": "See my result",
        "end.title": "Test completed",
        "end.level": "Level {level} reached in competence {code} ({pix} pix).",
        "end.changed": "Before this test: level {level}, {pix} pix. Gained: {gain} pix.",
        "end.unchanged": "Your level did not change this time.",
        "end.next": "What next?",
        "end.profile": "See my profile",
        "nav.profile": "My profile",
        "activity.hello": "Hello {person}!",
        "activity.how": "The test adapts to your answers: it stops when your level is known. You can leave it "
                        "and come back later; “Skip” is always available.",
        "teacher.title": "Teacher view",
        "teacher.assesses": "What this activity assesses",
        "teacher.dashboard": "Follow your class with campaigns: create one, give its code, see its dashboard.",
        "teacher.campaigns": "Campaigns and dashboard",
        "teacher.try": "Try the test yourself",
    },
}


def translator(locale: str) -> Callable[..., str]:
    messages = MESSAGES.get(locale, MESSAGES["fr"])

    def t(key: str, **values: object) -> str:
        text = messages.get(key) or MESSAGES["fr"][key]
        return text.format(**values) if values else text

    return t
