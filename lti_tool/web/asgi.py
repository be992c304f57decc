"""ASGI entry point for uvicorn workers: settings come from the environment."""

from lti_tool.web.app import create_app

app = create_app()
