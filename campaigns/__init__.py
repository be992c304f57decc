"""Campaigns ("parcours") for classes: organisations, target profiles, campaigns, participations, dashboard."""
