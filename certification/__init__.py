"""Certification sessions (issue 19, engine.md §9): centres, their staff, sessions, candidates, the candidates'
tests and answers, issue reports, results. A context: it uses the core and the engine, never a door; published
results are the event `core.events.CertificationResultsPublished`."""
