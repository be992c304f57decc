"""The values a Moodle administrator types in "Add tool" (manual LTI 1.3 configuration), for a given base URL.
Single source for `pix-lti moodle-config`, the README files and the PHP registration script's checks."""

from __future__ import annotations

from dataclasses import dataclass

from lti_tool.dynreg.tool_profile import CLIENT_NAME, CUSTOM_PARAMETERS, DESCRIPTION, ToolUrls


@dataclass(frozen=True)
class MoodleField:
    label_fr: str  # as Moodle's French language pack names the field
    label_en: str
    value_fr: str
    value_en: str


def _same(label_fr: str, label_en: str, value: str) -> MoodleField:
    return MoodleField(label_fr, label_en, value, value)


def manual_values(base_url: str) -> list[MoodleField]:
    urls = ToolUrls(base_url)
    custom = "\n".join(f"{k}={v}" for k, v in CUSTOM_PARAMETERS.items())
    return [
        _same("Nom de l'outil", "Tool name", CLIENT_NAME),
        _same("URL de l'outil", "Tool URL", urls.target_link_uri),
        _same("Description de l'outil", "Tool description", DESCRIPTION),
        _same("Version LTI", "LTI version", "LTI 1.3"),
        MoodleField("Type de clef publique", "Public key type", "URL du jeu de clefs (Keyset URL)", "Keyset URL"),
        _same("Jeu de clefs publiques", "Public keyset", urls.jwks_uri),
        _same("URL de connexion initiale", "Initiate login URL", urls.login_uri),
        _same("URI de redirection", "Redirection URI(s)", "\n".join(urls.redirect_uris)),
        _same("Paramètres personnalisés", "Custom parameters", custom),
        MoodleField("Utilisation de la configuration de l'outil", "Tool configuration usage",
                    "Afficher dans le sélecteur d'activités et comme outil préconfiguré",
                    "Show in activity chooser and as a preconfigured tool"),
        MoodleField("Conteneur de lancement par défaut", "Default launch container",
                    "Intégré, sans blocs (ou Nouvelle fenêtre si les cookies tiers sont bloqués)",
                    "Embed, without blocks (or New window if third-party cookies are blocked)"),
        MoodleField("Supporte le Deep Linking (Content-Item Message)", "Supports Deep Linking (Content-Item Message)",
                    "Oui", "Yes"),
        _same("URL de sélection de contenu", "Content Selection URL", urls.deep_linking_uri),
        MoodleField("Services IMS LTI Assignment and Grade Services", "IMS LTI Assignment and Grade Services",
                    "Utiliser ce service pour la synchronisation des notes et la gestion des colonnes",
                    "Use this service for grade sync and column management"),
        MoodleField("IMS LTI Names and Role Provisioning", "IMS LTI Names and Role Provisioning",
                    "Utiliser ce service pour obtenir les informations des membres selon les réglages de "
                    "confidentialité",
                    "Use this service to retrieve members' information as per privacy settings"),
        MoodleField("Paramètres de l'outil (Tool Settings)", "Tool Settings", "Ne pas utiliser ce service",
                    "Do not use this service"),
        MoodleField("Partager le nom de l'utilisateur avec l'outil", "Share launcher's name with tool",
                    "Toujours", "Always"),
        MoodleField("Partager l'adresse de courriel de l'utilisateur avec l'outil",
                    "Share launcher's email with tool", "Jamais (Pix LTI n'en a pas besoin)",
                    "Never (Pix LTI does not need it)"),
        MoodleField("Accepter les notes de l'outil", "Accept grades from the tool", "Toujours", "Always"),
    ]


def render(base_url: str, lang: str = "fr") -> str:
    urls = ToolUrls(base_url)
    fr = lang == "fr"
    lines = [
        "Pix LTI — configuration Moodle (LTI 1.3)" if fr else "Pix LTI — Moodle configuration (LTI 1.3)",
        "",
        ("Enregistrement dynamique (recommandé) : collez cette adresse dans Administration du site > Plugins > "
         "Modules d'activité > Outil externe > Gérer les outils > « URL de l'outil », puis « Ajouter LTI Advantage » :"
         if fr else
         "Dynamic registration (recommended): paste this URL in Site administration > Plugins > Activity modules > "
         "External tool > Manage tools > \"Tool URL\", then \"Add LTI Advantage\":"),
        f"  {urls.registration_url}",
        "",
        ("Configuration manuelle (« configurer un outil manuellement ») :" if fr
         else "Manual configuration (\"configure a tool manually\"):"),
    ]
    for field in manual_values(base_url):
        label, value = (field.label_fr, field.value_fr) if fr else (field.label_en, field.value_en)
        lines.append(f"- {label} : " if fr else f"- {label}: ")
        lines[-1] += value.replace("\n", "\n    ")
    lines += [
        "",
        ("Ensuite, notez les « Détails de l'outil » affichés par Moodle (ID de la plateforme, ID client, ID de "
         "déploiement) et enregistrez la plateforme dans Pix LTI :" if fr else
         "Then note the \"Tool configuration details\" Moodle shows (Platform ID, Client ID, Deployment ID) and "
         "register the platform in Pix LTI:"),
        "  pix-lti registration add --issuer <ID plateforme> --client-id <ID client> "
        "--deployment-id <ID déploiement> \\" if fr else
        "  pix-lti registration add --issuer <Platform ID> --client-id <Client ID> --deployment-id <Deployment ID> \\",
    ]
    pid = "<ID plateforme>" if fr else "<Platform ID>"
    lines += [f"    --auth-login-url {pid}/mod/lti/auth.php --auth-token-url {pid}/mod/lti/token.php \\",
              f"    --keyset-url {pid}/mod/lti/certs.php"]
    return "\n".join(lines)
