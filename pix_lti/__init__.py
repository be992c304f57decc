"""The `pix-lti` command line: one entry point composing every adapter's commands."""
