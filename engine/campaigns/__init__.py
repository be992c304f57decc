"""Campaigns ("parcours", §7): codes, target profiles, results, participations, campaign tests, exports."""
