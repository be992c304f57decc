"""The GAR fixtures (the tool with the connector and a real pysaml2 IdP)."""

from tests.gar.conftest import gar, gar_keys, idp  # noqa: F401
