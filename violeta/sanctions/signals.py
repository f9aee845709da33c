"""Signals for changes the procedure makes with bulk updates (which send no post_save)."""

from django.dispatch import Signal

# Sent with ``case_ids`` after measures of those cases were approved, rejected or concluded.
measures_changed = Signal()
