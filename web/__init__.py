"""HTTP layer of the LTI tool (FastAPI): thin routes over the launch package."""
