"""Personal data of pupils and staff: where it is (inventory), export and erasure of a person, retention
(`pix-lti purge`), the erased-identities list that keeps LMS rosters from re-creating an erased pupil, the
privacy notice page."""
