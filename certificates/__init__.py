"""Certificates (issue 20): what a published certification session leaves behind — one certificate per candidate
with its verification code, the attestation PDF, the public verification, the school's results (CSV, bilan) and
the livret scolaire export. A context: it listens to `core.events.CertificationResultsPublished` (installed
explicitly with `certificates.subscribers.install()`) and never imports a door."""
