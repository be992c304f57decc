"""The certification test day's pages: the candidate's (session form, identity, waiting, the test, the end) and
the invigilator's space."""
