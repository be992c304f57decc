"""Pix LTI against a real Moodle 4.3.0, as an administrator, a teacher and students would use it: the
registration paths, activities added through Moodle's "Select content" modal, tests taken in Moodle's iframe,
scores read back from Moodle's own tables and grader report, the roster on the campaign dashboard, and the
regressions of issue 21 (items 1-5). The tests run in order and share the session's Moodle course."""

from __future__ import annotations

import re
import shutil
import time
from typing import Any

import pytest

from content_bank.loader import default_referential
from tests.e2e.test_student_in_iframe import _answer  # fills a challenge's inputs as a student would
from tests.moodle.conftest import ROOT, Course, Moodle, Tool, login

STATE: dict[str, Any] = {}
REFERENTIAL = default_referential()


def _wait(check: Any, timeout: float = 30.0, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def test_the_php_cli_script_registers_the_tool_and_the_tool_accepts_its_values(moodle: Moodle, tool: Tool) -> None:
    target = moodle.www / "admin" / "cli" / "pix_lti_register.php"
    shutil.copy(ROOT / "moodle_config" / "register_tool.php", target)
    args = ["admin/cli/pix_lti_register.php", f"--baseurl={tool.url}"]
    if moodle.sql("SELECT id FROM mdl_lti_types WHERE baseurl = :u", u=tool.url + "/lti/launch"):
        # a Moodle kept across sessions (PIX_LTI_TEST_MOODLE_URL) knows this URL from an earlier one: the
        # script refuses a second tool unless told to add it
        with pytest.raises(RuntimeError, match="existe déjà"):
            moodle.php(*args)
        args.append("--force")
    out = moodle.php(*args)
    command = re.search(r"pix-lti registration add (.*?)\n\s*(--auth-login-url .*?)\\?\n\s*(--keyset-url \S+)", out,
                        re.S)
    assert command, out
    values = dict(re.findall(r"--([a-z-]+) '([^']*)'", out))
    assert values["issuer"] == moodle.url and values["deployment-id"].isdigit()
    (row,) = moodle.sql("SELECT name, state, coursevisible, clientid FROM mdl_lti_types WHERE id = :id",
                        id=int(values["deployment-id"]))
    host = tool.url.split("://", 1)[1]
    assert row.name == f"Pix LTI ({host})" and row.state == 1 and row.coursevisible == 2
    assert row.clientid == values["client-id"]
    tool.cli("registration", "add", "--issuer", values["issuer"], "--client-id", values["client-id"],
             "--deployment-id", values["deployment-id"], "--auth-login-url", values["auth-login-url"],
             "--auth-token-url", values["auth-token-url"], "--keyset-url", values["keyset-url"])
    STATE["cli_type"] = int(values["deployment-id"])


def test_dynamic_registration_through_manage_tools_then_activation(browser: Any, moodle: Moodle, tool: Tool) -> None:
    before = moodle.sql("SELECT coalesce(max(id), 0) AS id FROM mdl_lti_types")[0].id
    page = login(browser, moodle, moodle.admin, moodle.admin_password)
    page.goto(moodle.url + "/mod/lti/toolconfigure.php")
    page.fill("#tool-url", tool.url + "/lti/register")
    page.click("#tool-create-button")
    frame = page.frame_locator("#external-registration-page-container iframe, #registration-form-container iframe")
    host = tool.url.split("://", 1)[1]
    registered = frame.get_by_role("heading", name=f"Pix LTI ({host}) is registered")
    # the tool registered by the CLI script has the same domain: Moodle asks whether to update it or add another
    another = frame.get_by_text("Register as a new external tool")
    registered.or_(another).first.wait_for()
    if another.count():
        another.click()
    registered.wait_for()
    assert "Manage tools" in frame.locator("#moodle-pending").inner_text()  # English, as the admin's browser
    assert "not shown in the activity chooser" in frame.locator("#moodle-courses").inner_text()
    frame.get_by_role("button", name="Close and go back to the platform").click()
    pending = _wait(lambda: [r for r in moodle.sql(  # LTI_TOOL_STATE_PENDING (2), made by this session
        "SELECT id, state, coursevisible FROM mdl_lti_types WHERE name = :n AND baseurl = :u AND id > :b",
        n=f"Pix LTI ({host})", u=tool.url + "/lti/launch", b=before) if r.state == 2])
    assert len(pending) == 1 and pending[0].coursevisible == 1  # Moodle files it as "preconfigured"
    type_id = pending[0].id
    page.locator(f'.tool-card[data-type-id="{type_id}"] .activate').click()
    assert _wait(lambda: moodle.sql("SELECT state FROM mdl_lti_types WHERE id = :id", id=type_id)[0].state == 1)
    registered = tool.sql("SELECT d.deployment_id FROM lti_deployments d JOIN lti_registrations r "
                          "ON r.id = d.registration_id WHERE r.issuer = :i", i=moodle.url)
    assert str(type_id) in {r.deployment_id for r in registered}
    STATE["dynamic_type"] = type_id
    page.context.close()


def _course_lti(moodle: Moodle, course: Course) -> dict[str, Any]:
    """The course's Pix activities by their custom parameters: (lti id, course module id, grade, name)."""
    rows = moodle.sql(
        "SELECT l.id, l.name, l.grade, l.instructorcustomparameters AS custom, cm.id AS cmid FROM mdl_lti l "
        "JOIN mdl_course_modules cm ON cm.instance = l.id JOIN mdl_modules m ON m.id = cm.module AND m.name = 'lti' "
        "WHERE l.course = :c ORDER BY l.id", c=course.id)
    found: dict[str, Any] = {}
    for row in rows:
        custom = dict(line.split("=", 1) for line in (row.custom or "").splitlines() if "=" in line)
        key = ("competence:" + custom["competence"] if "competence" in custom else
               "campaign" if "campaign" in custom else "profile" if "profile" in custom else row.name)
        found[key] = row
    return found


def test_a_teacher_adds_competence_profile_and_campaign_through_select_content(
        browser: Any, moodle: Moodle, tool: Tool, course: Course) -> None:
    page = login(browser, moodle, "teacher1")
    page.goto(f"{moodle.url}/course/modedit.php?add=lti&typeid={STATE['cli_type']}&course={course.id}"
              "&section=1&return=0&sr=0")
    page.click("#id_selectcontent")
    picker = page.frame_locator("#contentitem-page-iframe")
    # Moodle is in English: so is the picker (item 5)
    picker.get_by_role("heading", name="Add a Pix activity").wait_for()
    picker.get_by_role("link", name="Create a campaign from chosen competences and topics").click()
    picker.locator("#nom").fill("Recherche d'information")
    picker.locator("details", has=picker.locator('input[value="rechercheUrl"]')).locator("summary").click()
    picker.locator('input[name="sujets"][value="rechercheUrl"]').check()
    picker.get_by_role("button", name="Create the campaign").click()
    picker.get_by_role("heading", name="Add a Pix activity").wait_for()
    campaign = picker.locator("[data-campaign]").first
    code = campaign.get_attribute("data-campaign")
    picker.locator('input[value="competence:1.1"]').check()
    picker.locator('input[value="profile"]').check()
    picker.locator(f'input[value="campaign:{code}"]').check()
    picker.get_by_role("button", name="Add to the course").click()
    page.locator("#id_submitbutton2").wait_for(state="visible")
    page.get_by_text("Pix — whole profile").first.wait_for()
    page.locator("#id_submitbutton2").click()
    page.wait_for_url(re.compile(r".*/course/view\.php.*"))
    activities = _wait(lambda: (found := _course_lti(moodle, course)) and len(found) >= 3 and found)
    assert set(activities) == {"competence:1.1", "profile", "campaign"}, activities
    # item 1: every maximum grade fits Moodle's default gradepointmax (100); 768 was saved as 0
    assert float(activities["profile"].grade) == 100.0
    assert float(activities["competence:1.1"].grade) == 6.0 and float(activities["campaign"].grade) == 100.0
    STATE.update(activities=activities, campaign_code=code)
    page.context.close()


def _take_test(frame: Any, done: Any, *, skip_all: bool = False) -> int:
    """Answer (right, or "Skip" everything) until `done` shows; returns the number of answers.

    Each step starts on a settled page (one of the four states below is visible and nothing is in flight)
    and ends by waiting for what the next page shows, never for a fixed time: the answer's feedback
    (`data-answered`), the question behind a timed challenge's start page, or the page after "Continue".
    """
    answered = 0
    submit = frame.get_by_role("button", name="Submit")
    finish = frame.get_by_role("link", name=re.compile("^(See my result|Continue)$"))
    chrono = frame.get_by_role("button", name="Show the question and start the clock")
    while True:
        submit.or_(done).or_(finish).or_(chrono).first.wait_for(timeout=60_000)
        if done.count():
            return answered
        if chrono.count():  # a timed challenge: the start page comes first, the clock starts on this click
            chrono.click()
            frame.locator("form.challenge").wait_for(timeout=60_000)
            continue
        if finish.count():  # an answer's own page: on to the next question, or the end page
            finish.click()
            submit.or_(done).or_(chrono).first.wait_for(timeout=60_000)
            continue
        challenge = REFERENTIAL.challenges[frame.locator("form.challenge").get_attribute("data-challenge")]
        if skip_all:
            frame.get_by_role("button", name="Skip").click()
        else:
            _answer(frame, challenge)
            submit.click()
        frame.locator(f'[data-answered="{challenge.id}"]').wait_for(timeout=60_000)
        answered += 1
        assert answered < 60


def _open(page: Any, moodle: Moodle, cmid: int) -> Any:
    """The activity in Moodle's own iframe (launch container: embed)."""
    page.goto(f"{moodle.url}/mod/lti/view.php?id={cmid}")
    return page.frame_locator("#contentframe")


def _grade(moodle: Moodle, activity: Any, userid: int) -> Any:
    rows = moodle.sql(
        "SELECT g.finalgrade, g.rawgrade, g.rawgrademax, g.feedback FROM mdl_grade_grades g "
        "JOIN mdl_grade_items i ON i.id = g.itemid WHERE i.itemmodule = 'lti' AND i.iteminstance = :lti "
        "AND g.userid = :u", lti=activity.id, u=userid)
    return rows[0] if rows and rows[0].finalgrade is not None else None


def test_students_take_tests_in_the_iframe_and_their_scores_reach_moodle_gradebook(
        browser: Any, moodle: Moodle, tool: Tool, course: Course) -> None:
    activities = STATE["activities"]
    competence, profile, campaign = activities["competence:1.1"], activities["profile"], activities["campaign"]
    levels = {}
    for student, skip_all in (("student1", False), ("student2", True)):
        page = login(browser, moodle, student)
        frame = _open(page, moodle, competence.cmid)
        frame.get_by_role("button", name="Start").click()
        end = frame.locator("[data-result-level]")
        assert _take_test(frame, end, skip_all=skip_all) >= 1
        levels[student] = (int(end.get_attribute("data-result-level")), int(end.get_attribute("data-result-pix")))
        if student == "student1":
            # item 3: the whole profile is opened only now; the result obtained before reaches its column
            frame = _open(page, moodle, profile.cmid)
            frame.locator('[data-competence="1.1"]').wait_for()
        page.context.close()
    level, pix = levels["student1"]
    assert level >= 1
    grade = _wait(lambda: _grade(moodle, competence, course.users["student1"]), timeout=60)
    assert grade is not None, tool.sql("SELECT status, last_error FROM grades_outbox")
    assert float(grade.finalgrade) == level and grade.feedback == f"Level {level} — {pix} pix"  # item 5: English
    grade2 = _wait(lambda: _grade(moodle, competence, course.users["student2"]), timeout=60)
    assert grade2 is not None and float(grade2.finalgrade) == levels["student2"][0]
    # item 1 and 3: the profile's percentage, in a column Moodle accepted (maximum 100)
    whole = _wait(lambda: _grade(moodle, profile, course.users["student1"]), timeout=60)
    assert whole is not None and float(whole.rawgrademax) == 100.0
    assert abs(float(whole.finalgrade) - round(pix * 100 / 768, 2)) < 0.01
    assert whole.feedback.startswith(f"Profile — {pix} pix out of 768")

    # the third student takes the campaign and sends the results: the mastery rate reaches the gradebook
    page = login(browser, moodle, "student3")
    frame = _open(page, moodle, campaign.cmid)
    frame.get_by_role("button", name="Join this campaign").click()
    frame.get_by_role("button", name="Start the campaign").click()
    _take_test(frame, frame.locator('[data-status="completed"]'))
    mastery = int(frame.locator("[data-mastery]").inner_text().rstrip(" %"))
    frame.locator("#confirmation").check()
    frame.get_by_role("button", name="Send my results").click()
    frame.locator('[data-status="shared"]').wait_for()
    page.context.close()
    sent = _wait(lambda: _grade(moodle, campaign, course.users["student3"]), timeout=60)
    assert sent is not None and float(sent.finalgrade) == mastery and sent.feedback.startswith(f"Mastery {mastery} %")
    STATE["levels"] = levels


def test_the_teacher_sees_the_grades_in_moodle_grader_report(browser: Any, moodle: Moodle, course: Course) -> None:
    page = login(browser, moodle, "teacher1")
    page.goto(f"{moodle.url}/grade/report/grader/index.php?id={course.id}")
    level = STATE["levels"]["student1"][0]
    row = page.locator("tr", has_text="Student Number1").first
    row.wait_for()
    cells = row.inner_text()
    assert f"{level:.2f}" in cells  # the competence column
    assert f"{round(STATE['levels']['student1'][1] * 100 / 768, 2):.2f}" in cells  # the profile column, in %
    page.context.close()


def test_a_teacher_trying_the_test_gets_no_score_and_leaves_no_dead_letter(
        browser: Any, moodle: Moodle, tool: Tool, course: Course) -> None:
    page = login(browser, moodle, "teacher1")
    frame = _open(page, moodle, STATE["activities"]["competence:1.1"].cmid)
    frame.get_by_role("button", name="Try the test yourself").click()
    assert _take_test(frame, frame.locator("[data-result-level]"), skip_all=True) >= 1
    page.context.close()
    teacher = tool.sql("SELECT a.id FROM accounts a WHERE a.sub = :s", s=str(course.users["teacher1"]))
    assert teacher, tool.sql("SELECT sub FROM accounts")
    # scores are written in the transaction of the result: the end page shown, none was queued for the teacher
    assert tool.sql("SELECT id FROM grades_outbox WHERE kind = 'score' AND account_id = :a", a=teacher[0].id) == []
    # and once the worker has handled everything queued so far, nothing is dead-lettered
    assert _wait(lambda: not tool.sql("SELECT id FROM grades_outbox WHERE status IN ('pending', 'delivering')"),
                 timeout=60), tool.sql("SELECT id, kind, status, last_error FROM grades_outbox")
    assert tool.sql("SELECT id, last_error FROM grades_outbox WHERE status = 'dead'") == []
    assert _grade(moodle, STATE["activities"]["competence:1.1"], course.users["teacher1"]) is None


def test_the_campaign_dashboard_lists_who_has_not_started_from_moodle_roster(
        browser: Any, moodle: Moodle, tool: Tool, course: Course) -> None:
    page = login(browser, moodle, "teacher1")
    frame = _open(page, moodle, STATE["activities"]["campaign"].cmid)
    # item 8: the teacher view names the campaign and links its own dashboard
    frame.get_by_text(f"(code {STATE['campaign_code']})").wait_for()
    # NRPS, fetched by the worker after the teachers' launches: wait until it lists student4
    assert _wait(lambda: tool.sql("SELECT id FROM grades_roster_members WHERE user_id = :u",
                                  u=str(course.users["student4"])), timeout=90), \
        tool.sql("SELECT kind, status, attempts, last_error FROM grades_outbox WHERE kind = 'roster'")
    frame.get_by_role("link", name="This campaign's dashboard").click()
    waiting = frame.locator("[data-not-started]")
    try:
        waiting.wait_for(timeout=60_000)
    except Exception as error:
        shown = frame.locator("body").inner_text()
        raise AssertionError(f"no 'not started' list on the dashboard:\n{shown}") from error
    names = waiting.inner_text()
    assert "Student Number4" in names and "Student Number3" not in names  # student3 took it
    assert frame.locator("[data-participant]").count() == 1
    page.context.close()


def test_one_course_across_the_two_deployments_keeps_its_campaigns_and_a_new_column_gets_earlier_results(
        browser: Any, moodle: Moodle, tool: Tool, course: Course) -> None:
    """Item 4: the dynamically registered tool is another deployment of the same Moodle: the campaign made
    through the first one is offered by the second one's picker, and the tool knows one course.
    Item 3: the teacher adds, through it, a second competence 1.1 column after the class has worked; at the
    teacher's first launch of it, the students' results already obtained reach it."""
    page = login(browser, moodle, "teacher1")
    page.goto(f"{moodle.url}/course/modedit.php?add=lti&typeid={STATE['dynamic_type']}&course={course.id}"
              "&section=1&return=0&sr=0")
    page.click("#id_selectcontent")
    picker = page.frame_locator("#contentitem-page-iframe")
    picker.get_by_role("heading", name="Add a Pix activity").wait_for()
    assert picker.locator(f'[data-campaign="{STATE["campaign_code"]}"]').count() == 1
    courses = tool.sql("SELECT id, deployment_id FROM courses WHERE context_id = :c", c=str(course.id))
    assert len(courses) == 1
    picker.locator('input[value="competence:1.1"]').check()
    picker.get_by_role("button", name="Add to the course").click()
    page.locator("#id_submitbutton2").wait_for(state="visible")
    page.locator("#id_submitbutton2").click()
    page.wait_for_url(re.compile(r".*/course/view\.php.*"))
    known = {row.id for row in STATE["activities"].values()}
    new = _wait(lambda: [row for row in moodle.sql(
        "SELECT l.id, l.grade, cm.id AS cmid FROM mdl_lti l JOIN mdl_course_modules cm ON cm.instance = l.id "
        "JOIN mdl_modules m ON m.id = cm.module AND m.name = 'lti' WHERE l.course = :c AND l.typeid = :t",
        c=course.id, t=STATE["dynamic_type"]) if row.id not in known])
    assert len(new) == 1 and float(new[0].grade) == 6.0, new
    # nobody has launched it yet: the teacher's first launch tells the tool its column
    frame = _open(page, moodle, new[0].cmid)
    frame.get_by_role("button", name="Try the test yourself").wait_for()
    page.context.close()
    for student in ("student1", "student2"):
        level, pix = STATE["levels"][student]
        grade = _wait(lambda s=student: _grade(moodle, new[0], course.users[s]), timeout=60)
        assert grade is not None, tool.sql("SELECT kind, status, last_error FROM grades_outbox")
        assert float(grade.finalgrade) == level and grade.feedback == f"Level {level} — {pix} pix"
    assert len(tool.sql("SELECT id FROM courses WHERE context_id = :c", c=str(course.id))) == 1


def test_an_english_moodle_gets_the_tool_refusal_page_in_english(
        browser: Any, moodle: Moodle, tool: Tool, course: Course) -> None:
    """Item 5: with Moodle in English, a refusal (here: the platform disabled on the tool) is in English."""
    (registration,) = tool.sql("SELECT r.id FROM lti_registrations r JOIN lti_deployments d "
                               "ON d.registration_id = r.id WHERE d.deployment_id = :d", d=str(STATE["cli_type"]))
    tool.cli("registration", "disable", str(registration.id))
    try:
        page = login(browser, moodle, "student1")
        frame = _open(page, moodle, STATE["activities"]["competence:1.1"].cmid)
        frame.get_by_text("This platform's registration is disabled.").wait_for()
        assert frame.locator("html").get_attribute("lang") == "en"
        assert "The tool's administrator must enable it again" in frame.locator("body").inner_text()
        page.context.close()
    finally:
        tool.cli("registration", "enable", str(registration.id))
