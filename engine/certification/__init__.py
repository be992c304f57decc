"""The certification test (§9): v3 adaptive over the 16 competences, v2 profile-based; pure engine code."""
