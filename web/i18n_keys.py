"""Message keys built at run time (`f"campaign.refusal.{code}"`, `t('card.status.' ~ status)`) or passed
around before `t()` is called: declared here with `N_` so that Babel's extraction (babel.cfg) sees them and
tests/student_web/test_catalogues.py can tell a catalogue out of date with the sources. A new key built at
run time goes here; a key no code uses any more leaves the catalogues and this list."""

from __future__ import annotations


def N_(key: str) -> str:  # noqa: N802 (gettext's name for "mark, do not translate now")
    return key


# admin.* : the administration's words named in a template's list or built from a status
ADMIN = (
    N_("admin.bank.challenges.archived"),
    N_("admin.bank.challenges.draft"),
    N_("admin.bank.challenges.obsolete"),
    N_("admin.bank.challenges.validated"),
    N_("admin.certif.error.centre_exists"),
    N_("admin.certif.error.invalid"),
    N_("admin.certif.error.other"),
    N_("admin.certif.error.person_ambiguous"),
    N_("admin.certif.error.person_unknown"),
    N_("admin.certif.error.unknown"),
    N_("admin.certif.notice.named"),
    N_("admin.certif.notice.opened"),
    N_("admin.certif.notice.removed"),
    N_("admin.certif.notice.saved"),
    N_("admin.error.deployment_exists"),
    N_("admin.error.deployment_unknown"),
    N_("admin.error.deployment_used"),
    N_("admin.error.duplicate"),
    N_("admin.error.https_required"),
    N_("admin.error.no_registration"),
    N_("admin.error.not_absolute"),
    N_("admin.error.nothing_to_retry"),
    N_("admin.error.required"),
    N_("admin.error.too_long"),
    N_("admin.error.used"),
    N_("admin.events.accepted"),
    N_("admin.events.refused"),
    N_("admin.field.auth_login_url"),
    N_("admin.field.auth_token_url"),
    N_("admin.field.client_id"),
    N_("admin.field.deployment"),
    N_("admin.field.issuer"),
    N_("admin.field.keyset_url"),
    N_("admin.gar.notice.added"),
    N_("admin.gar.notice.removed"),
    N_("admin.gar.notice.unchanged"),
    N_("admin.grades.status.dead"),
    N_("admin.grades.status.delivered"),
    N_("admin.grades.status.delivering"),
    N_("admin.grades.status.pending"),
    N_("admin.grades.status.superseded"),
    N_("admin.login.expired"),
    N_("admin.login.wrong"),
    N_("admin.nav.certification"),
    N_("admin.nav.gar"),
    N_("admin.notice.added"),
    N_("admin.notice.deleted"),
    N_("admin.notice.dep-added"),
    N_("admin.notice.dep-removed"),
    N_("admin.notice.disabled"),
    N_("admin.notice.enabled"),
    N_("admin.notice.host-approved"),
    N_("admin.notice.host-refused"),
    N_("admin.notice.retried"),
    N_("admin.notice.rotated"),
    N_("admin.notice.saved"),
    N_("admin.notice.unlinked"),
    N_("admin.refused.bad_ids"),
    N_("admin.refused.csrf"),
    N_("admin.refused.decision"),
    N_("admin.refused.no_account"),
    N_("admin.refused.no_registration"),
    N_("admin.refused.no_such_registration"),
    N_("admin.refused.not_linked"),
    N_("admin.refused.unknown_action"),
    N_("admin.refused.unknown_decision"),
    N_("admin.regs.host_status.approved"),
    N_("admin.regs.host_status.pending"),
    N_("admin.regs.host_status.refused"),
    N_("admin.regs.refuse"),
)
# lms.* : words sent to the platform (content items, gradebook comments), built from a key name
LMS = (
    N_("lms.certification.level.advanced"),
    N_("lms.certification.level.beginner"),
    N_("lms.certification.level.expert"),
    N_("lms.certification.level.independent"),
    N_("lms.certification.level.pre_beginner"),
    N_("lms.comment.level"),
    N_("lms.comment.mastery"),
    N_("lms.comment.profile"),
    N_("lms.comment.stage"),
    N_("lms.item.campaign.assessment"),
    N_("lms.item.campaign.label"),
    N_("lms.item.campaign.profiles"),
    N_("lms.item.campaign.title"),
    N_("lms.item.competence.text"),
    N_("lms.item.msg"),
    N_("lms.item.profile.text"),
    N_("lms.item.profile.title"),
    N_("lms.item.profile.unit"),
    N_("lms.item.quicktest.text"),
    N_("lms.item.quicktest.title"),
    N_("lms.item.unit.level"),
    N_("lms.item.unit.pix"),
)
# role.*, target.*, teacher.name_missing: an activity's target and a person's role, built from custom parameters
LAUNCH = (
    N_("role.admin"),
    N_("role.student"),
    N_("role.teacher"),
    N_("target.bad_competence"),
    N_("target.campaign"),
    N_("target.competence"),
    N_("target.profile"),
    N_("target.quicktest"),
    N_("teacher.name_missing"),
)
# bank.* : the content bank's interface words in English (`t.bank(code, name)`; French is the bank's own)
BANK = (
    N_("bank.domain.1"),
    N_("bank.competence.1.1"),
    N_("bank.competence.1.2"),
    N_("bank.competence.1.3"),
    N_("bank.domain.2"),
    N_("bank.competence.2.1"),
    N_("bank.competence.2.2"),
    N_("bank.competence.2.3"),
    N_("bank.competence.2.4"),
    N_("bank.domain.3"),
    N_("bank.competence.3.1"),
    N_("bank.competence.3.2"),
    N_("bank.competence.3.3"),
    N_("bank.competence.3.4"),
    N_("bank.domain.4"),
    N_("bank.competence.4.1"),
    N_("bank.competence.4.2"),
    N_("bank.competence.4.3"),
    N_("bank.domain.5"),
    N_("bank.competence.5.1"),
    N_("bank.competence.5.2"),
)
# campaign.board.*
CAMPAIGN_BOARD = (
    N_("campaign.board.missing_many"),
    N_("campaign.board.missing_one"),
)
# campaign.form.*
CAMPAIGN_FORM = (
    N_("campaign.form.badge"),
    N_("campaign.form.invisible"),
    N_("campaign.form.level"),
    N_("campaign.form.name"),
    N_("campaign.form.no_tube"),
    N_("campaign.form.type"),
    N_("campaign.form.unknown_tube"),
)
# campaign.participation.*
CAMPAIGN_PARTICIPATION = (
    N_("campaign.participation.back"),
)
# campaign.refusal.*
CAMPAIGN_REFUSAL = (
    N_("campaign.refusal.already_completed"),
    N_("campaign.refusal.already_completed.advice"),
    N_("campaign.refusal.already_shared"),
    N_("campaign.refusal.already_shared.advice"),
    N_("campaign.refusal.bad_form"),
    N_("campaign.refusal.bad_form.advice"),
    N_("campaign.refusal.campaign_archived"),
    N_("campaign.refusal.campaign_archived.advice"),
    N_("campaign.refusal.default"),
    N_("campaign.refusal.default.advice"),
    N_("campaign.refusal.forbidden"),
    N_("campaign.refusal.forbidden.advice"),
    N_("campaign.refusal.invalid_code"),
    N_("campaign.refusal.invalid_code.advice"),
    N_("campaign.refusal.not_a_test"),
    N_("campaign.refusal.not_a_test.advice"),
    N_("campaign.refusal.not_completed"),
    N_("campaign.refusal.not_completed.advice"),
    N_("campaign.refusal.retry_full_mastery"),
    N_("campaign.refusal.retry_full_mastery.advice"),
    N_("campaign.refusal.retry_not_allowed"),
    N_("campaign.refusal.retry_not_allowed.advice"),
    N_("campaign.refusal.retry_not_shared"),
    N_("campaign.refusal.retry_not_shared.advice"),
    N_("campaign.refusal.retry_too_early"),
    N_("campaign.refusal.retry_too_early.advice"),
    N_("campaign.refusal.unknown_campaign"),
    N_("campaign.refusal.unknown_campaign.advice"),
    N_("campaign.refusal.unknown_code"),
    N_("campaign.refusal.unknown_code.advice"),
    N_("campaign.refusal.unknown_participation"),
    N_("campaign.refusal.unknown_participation.advice"),
)
# campaign.send.*
CAMPAIGN_SEND = (
    N_("campaign.send.unconfirmed"),
)
# campaign.status.*
CAMPAIGN_STATUS = (
    N_("campaign.status.completed"),
    N_("campaign.status.shared"),
    N_("campaign.status.started"),
)
# card.status.*
CARD_STATUS = (
    N_("card.status.completed"),
    N_("card.status.not_started"),
    N_("card.status.started"),
)
# certif.abort.*
CERTIF_ABORT = (
    N_("certif.abort.candidate"),
    N_("certif.abort.technical"),
)
# certif.action.*
CERTIF_ACTION = (
    N_("certif.action.annuler-presence"),
    N_("certif.action.pause"),
    N_("certif.action.presence"),
    N_("certif.action.reprendre"),
    N_("certif.action.reprise"),
    N_("certif.action.terminer-technique"),
)
# certif.alert.*
CERTIF_ALERT = (
    N_("certif.alert.focus_out"),
    N_("certif.alert.not_displayed"),
)
# certif.category.*
CERTIF_CATEGORY = (
    N_("certif.category.embed_not_working"),
    N_("certif.category.extra_time_exceeded"),
    N_("certif.category.file_not_opening"),
    N_("certif.category.focus_out"),
    N_("certif.category.fraud"),
    N_("certif.category.image_not_displaying"),
    N_("certif.category.late_or_leaving"),
    N_("certif.category.link_not_working"),
    N_("certif.category.other"),
    N_("certif.category.software_not_working"),
    N_("certif.category.technical_problem"),
    N_("certif.category.website_blocked"),
    N_("certif.category.website_unavailable"),
)
# certif.class.*
CERTIF_CLASS = (
    N_("certif.class.class"),
    N_("certif.class.course"),
    N_("certif.class.group"),
)
# certif.course.*
CERTIF_COURSE = (
    N_("certif.course.awaiting_reentry"),
    N_("certif.course.paused"),
    N_("certif.course.started"),
)
# certif.creators.*
CERTIF_CREATORS = (
    N_("certif.creators.managers"),
    N_("certif.creators.staff"),
)
# certif.csv.*
CERTIF_CSV = (
    N_("certif.csv.problem.already_enrolled"),
    N_("certif.csv.problem.bad_date"),
    N_("certif.csv.problem.bad_percent"),
    N_("certif.csv.problem.bad_yes_no"),
    N_("certif.csv.problem.duplicate"),
    N_("certif.csv.problem.impossible_date"),
    N_("certif.csv.problem.missing"),
    N_("certif.csv.problem.too_long"),
    N_("certif.csv.problem.too_soon"),
    N_("certif.csv.refused.empty"),
    N_("certif.csv.refused.missing_columns"),
    N_("certif.csv.refused.no_file"),
    N_("certif.csv.refused.no_header"),
    N_("certif.csv.refused.not_text"),
    N_("certif.csv.refused.rows"),
    N_("certif.csv.refused.too_big"),
    N_("certif.csv.refused.too_many_rows"),
)
# certif.done.*
CERTIF_DONE = (
    N_("certif.done.csv"),
    N_("certif.done.finalisee"),
    N_("certif.done.incident"),
    N_("certif.done.incident_retire"),
    N_("certif.done.inscrits"),
    N_("certif.done.modifiee"),
    N_("certif.done.publiee"),
    N_("certif.done.retire"),
)
# certif.entry.*
CERTIF_ENTRY = (
    N_("certif.entry.missing"),
)
# certif.field.*
CERTIF_FIELD = (
    N_("certif.field.abort_reason"),
    N_("certif.field.role"),
    N_("certif.field.identifier"),
    N_("certif.field.absent"),
    N_("certif.field.accessibility"),
    N_("certif.field.birth_date"),
    N_("certif.field.division"),
    N_("certif.field.extra_time"),
    N_("certif.field.first_name"),
    N_("certif.field.kind"),
    N_("certif.field.last_name"),
    N_("certif.field.pupils"),
    N_("certif.field.row"),
    N_("certif.field.settings"),
    N_("certif.field.uai"),
)
# certif.finalise.*
CERTIF_FINALISE = (
    N_("certif.finalise.publication.automatic"),
    N_("certif.finalise.publication.review"),
)
# certif.identify.*
CERTIF_IDENTIFY = (
    N_("certif.identify.missing"),
)
# certif.level.*
CERTIF_LEVEL = (
    N_("certif.level.advanced"),
    N_("certif.level.beginner"),
    N_("certif.level.expert"),
    N_("certif.level.independent"),
    N_("certif.level.pre_beginner"),
)
# certif.publication.*
CERTIF_PUBLICATION = (
    N_("certif.publication.automatic"),
    N_("certif.publication.review"),
)
# certif.refusal.*
CERTIF_REFUSAL = (
    N_("certif.refusal.alert_pending"),
    N_("certif.refusal.alert_pending.advice"),
    N_("certif.refusal.already_enrolled"),
    N_("certif.refusal.already_enrolled.advice"),
    N_("certif.refusal.already_finished"),
    N_("certif.refusal.already_finished.advice"),
    N_("certif.refusal.already_started"),
    N_("certif.refusal.already_started.advice"),
    N_("certif.refusal.awaiting_reentry"),
    N_("certif.refusal.awaiting_reentry.advice"),
    N_("certif.refusal.bad_state"),
    N_("certif.refusal.bad_state.advice"),
    N_("certif.refusal.centre_exists"),
    N_("certif.refusal.centre_exists.advice"),
    N_("certif.refusal.default.advice"),
    N_("certif.refusal.forbidden"),
    N_("certif.refusal.forbidden.advice"),
    N_("certif.refusal.identity_mismatch"),
    N_("certif.refusal.identity_mismatch.advice"),
    N_("certif.refusal.invalid"),
    N_("certif.refusal.invalid.advice"),
    N_("certif.refusal.invalid_time"),
    N_("certif.refusal.invalid_time.advice"),
    N_("certif.refusal.not_certifiable"),
    N_("certif.refusal.not_certifiable.advice"),
    N_("certif.refusal.not_current_challenge"),
    N_("certif.refusal.not_current_challenge.advice"),
    N_("certif.refusal.not_enrolled"),
    N_("certif.refusal.not_enrolled.advice"),
    N_("certif.refusal.not_present"),
    N_("certif.refusal.not_present.advice"),
    N_("certif.refusal.not_staff"),
    N_("certif.refusal.not_staff.advice"),
    N_("certif.refusal.not_started"),
    N_("certif.refusal.not_started.advice"),
    N_("certif.refusal.paused"),
    N_("certif.refusal.paused.advice"),
    N_("certif.refusal.session_closed"),
    N_("certif.refusal.session_closed.advice"),
    N_("certif.refusal.test_ended"),
    N_("certif.refusal.test_ended.advice"),
    N_("certif.refusal.too_soon"),
    N_("certif.refusal.too_soon.advice"),
    N_("certif.refusal.unknown_alert"),
    N_("certif.refusal.unknown_alert.advice"),
    N_("certif.refusal.unknown_candidate"),
    N_("certif.refusal.unknown_candidate.advice"),
    N_("certif.refusal.wrong_session_or_code"),
    N_("certif.refusal.wrong_session_or_code.advice"),
    N_("certif.refusal.wrong_session_or_password.advice"),
)
# certif.resolution.*
CERTIF_RESOLUTION = (
    N_("certif.resolution.refused"),
    N_("certif.resolution.validated"),
)
# certif.role.*
CERTIF_ROLE = (
    N_("certif.role.manager"),
    N_("certif.role.member"),
)
# certif.space.*
CERTIF_SPACE = (
    N_("certif.space.done.alerte-refuser"),
    N_("certif.space.done.alerte-valider"),
    N_("certif.space.done.annuler-presence"),
    N_("certif.space.done.pause"),
    N_("certif.space.done.presence"),
    N_("certif.space.done.reprendre"),
    N_("certif.space.done.reprise"),
    N_("certif.space.done.temps"),
    N_("certif.space.done.terminer"),
    N_("certif.space.done.terminer-technique"),
)
# certif.state.*
CERTIF_STATE = (
    N_("certif.state.created"),
    N_("certif.state.finalised"),
    N_("certif.state.published"),
)
# certif.status.*
CERTIF_STATUS = (
    N_("certif.status.arrived"),
    N_("certif.status.awaiting_reentry"),
    N_("certif.status.cancelled"),
    N_("certif.status.finished"),
    N_("certif.status.in_test"),
    N_("certif.status.not_arrived"),
    N_("certif.status.paused"),
    N_("certif.status.present"),
    N_("certif.status.rejected"),
    N_("certif.status.validated"),
)
# certif.version.*
CERTIF_VERSION = (
    N_("certif.version.v2"),
    N_("certif.version.v3"),
)
# certificate.*
CERTIFICATE = (
    N_("certificate.see"),
)
# cookies.*
COOKIES = (
    N_("cookies.title"),
)
# edge.dependency.*
EDGE_DEPENDENCY = (
    N_("edge.dependency.database"),
    N_("edge.dependency.store"),
)
# edge.server_error.*
EDGE_SERVER_ERROR = (
    N_("edge.server_error.advice"),
    N_("edge.server_error.reason"),
    N_("edge.server_error.title"),
)
# edge.too_large.*
EDGE_TOO_LARGE = (
    N_("edge.too_large.advice"),
    N_("edge.too_large.reason"),
    N_("edge.too_large.title"),
)
# edge.unavailable.*
EDGE_UNAVAILABLE = (
    N_("edge.unavailable.advice"),
    N_("edge.unavailable.reason"),
    N_("edge.unavailable.title"),
)
# link.*
LINK = (
    N_("link.already_gar"),
    N_("link.confirm_expired"),
)
# link.refused.*
LINK_REFUSED = (
    N_("link.refused.link_already_linked"),
    N_("link.refused.link_both_linked"),
    N_("link.refused.link_not_linked"),
    N_("link.refused.link_same_account"),
    N_("link.refused.link_same_platform"),
    N_("link.refused.link_unknown_account"),
)
# quick.refusal.*
QUICK_REFUSAL = (
    N_("quick.refusal.bad_answer"),
    N_("quick.refusal.bad_answer.advice"),
    N_("quick.refusal.gone"),
    N_("quick.refusal.gone.advice"),
    N_("quick.refusal.step"),
    N_("quick.refusal.step.advice"),
    N_("quick.refusal.too_many"),
    N_("quick.refusal.too_many.advice"),
    N_("quick.refusal.unavailable"),
    N_("quick.refusal.unavailable.advice"),
)
# certificate.level_name.* / certificate.result.*: a certificate's global level and status, by code (web pages)
CERTIFICATE_WORDS = (
    N_("certificate.level_name.advanced"),
    N_("certificate.level_name.beginner"),
    N_("certificate.level_name.expert"),
    N_("certificate.level_name.independent"),
    N_("certificate.level_name.pre_beginner"),
    N_("certificate.result.cancelled"),
    N_("certificate.result.rejected"),
    N_("certificate.result.validated"),
)
# gar.roster.error.*: a refused class list (ent_gar_connector.roster.RosterError.code)
GAR_ROSTER_ERRORS = (
    N_("gar.roster.error.bad_date"),
    N_("gar.roster.error.column_count"),
    N_("gar.roster.error.duplicate"),
    N_("gar.roster.error.empty_field"),
    N_("gar.roster.error.empty_file"),
    N_("gar.roster.error.encoding"),
    N_("gar.roster.error.extra_columns"),
    N_("gar.roster.error.missing_columns"),
    N_("gar.roster.error.no_pupil"),
    N_("gar.roster.error.too_big"),
    N_("gar.roster.error.too_long"),
    N_("gar.roster.error.too_many_lines"),
)
