"""Pilar: social-welfare information system for an Indonesian Dinas Sosial."""
