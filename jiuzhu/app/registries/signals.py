"""What the registries part tells the parts above it, which it does not import."""

from __future__ import annotations

from django.dispatch import Signal

# a batch was confirmed or withdrawn (keyword arguments ``batch_id`` and ``op``: "confirm" or "withdraw"),
# after the warehouse changed and before screening is queued: the upload pages' records follow it
batch_state_changed = Signal()
