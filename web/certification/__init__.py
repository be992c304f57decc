"""The certification staff pages (issue 19): centres, sessions, enrolment, finalisation."""
