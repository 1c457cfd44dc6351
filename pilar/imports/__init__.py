"""Bulk import of households and persons from spreadsheets (issue 4)."""
