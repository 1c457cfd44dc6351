"""Test helpers shared by every app's tests: the personas and household builders stay
in `pilar/conftest.py` (fixtures); what is not a fixture lives here. Not imported by
application code (outside the layers, like the tests)."""
