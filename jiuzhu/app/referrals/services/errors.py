from __future__ import annotations


class ReferralError(Exception):
    """A step the rules do not allow; the message is Chinese and shown to the user as is."""
