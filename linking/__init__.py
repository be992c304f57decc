"""Context: one learner, one profile, whichever door — linking an LTI and a GAR account (codes, merge, unlink)."""
