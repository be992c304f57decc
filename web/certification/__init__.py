"""The certification pages (issue 19): the staff pages (centres, sessions, enrolment, finalisation) and the
test day's (the candidate's way through the test, the invigilator's space)."""
