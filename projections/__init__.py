"""Kipinä's read side: read models built from the event log.

Each read model is one module with its tables, the events it handles and the
queries that read it. `projector.py` feeds them; `rebuild.py` starts them over.
Only `domain` (event classes) is imported from our own code.
"""
