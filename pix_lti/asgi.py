"""ASGI entry point for uvicorn workers: settings come from the environment."""

from pix_lti.app import create_app

app = create_app()
