"""Exports of good practices and seminar packs: one document model (`document.py`) built from
the read models as of one log position (`sources.py`), rendered by one module per format."""
