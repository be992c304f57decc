"""ASGI entry point for uvicorn workers: settings come from the environment; logs as PIX_LTI_LOG_FORMAT says."""

from core.logs import configure_logging
from pix_lti.app import create_app

configure_logging()
app = create_app()
