"""Short-lived state (OIDC state, nonces, launch data, JWKS cache) behind one small interface."""

from core.store.base import ShortLivedStore
from core.store.factory import make_store

__all__ = ["ShortLivedStore", "make_store"]
