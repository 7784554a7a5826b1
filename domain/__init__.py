"""Kipinä's write side: aggregates, their rules and the application service.

Nothing in this package imports from `projections`, `api` or `scripts`.
"""
