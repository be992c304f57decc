"""Administration of the tool: admin accounts, audit log, web area and CLI."""
