from __future__ import annotations


class CaseworkError(ValueError):
    """A step that may not be taken now; the message is Chinese and shown to the user as is."""
