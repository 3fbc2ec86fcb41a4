"""Closed-form timing models of compute units."""
