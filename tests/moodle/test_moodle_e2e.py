"""Pix LTI against a real Moodle 4.3.0, as an administrator, a teacher and students would use it: the
registration paths, activities added through Moodle's "Select content" modal, tests taken in Moodle's iframe,
scores read back from Moodle's own tables and grader report, the roster on the campaign dashboard, and the
regressions of issue 21 (items 1-5). The tests run in order and share the session's Moodle course."""

from __future__ import annotations

import re
import shutil
import time
from typing import Any

from tests.moodle.conftest import ROOT, Course, Moodle, Tool, login

STATE: dict[str, Any] = {}


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
    out = moodle.php("admin/cli/pix_lti_register.php", f"--baseurl={tool.url}")
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
    rows = _wait(lambda: moodle.sql("SELECT id, state, coursevisible FROM mdl_lti_types WHERE name = :n "
                                    "AND baseurl = :u ORDER BY id DESC", n=f"Pix LTI ({host})",
                                    u=tool.url + "/lti/launch"))
    pending = [r for r in rows if r.state == 2]  # LTI_TOOL_STATE_PENDING
    assert len(pending) == 1 and pending[0].coursevisible == 1  # Moodle files it as "preconfigured"
    type_id = pending[0].id
    card = page.locator(".tool-card", has=page.locator(".activate")).filter(has_text=f"Pix LTI ({host})")
    card.locator(".activate").click()
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
