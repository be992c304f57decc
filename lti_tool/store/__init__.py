"""Short-lived state (OIDC state, nonces, launch data, JWKS cache) behind one small interface."""

from lti_tool.store.base import ShortLivedStore
from lti_tool.store.factory import make_store

__all__ = ["ShortLivedStore", "make_store"]
