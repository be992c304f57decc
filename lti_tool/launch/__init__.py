"""LTI 1.3 launch: OIDC login initiation, id_token validation, provisioning."""
