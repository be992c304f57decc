"""A small LTI 1.3 demo platform ("Plateforme de démonstration") that launches the tool for real."""
