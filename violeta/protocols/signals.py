"""Signals the engine sends for changes it makes with bulk updates (which send no post_save)."""

from django.dispatch import Signal

# Sent with ``run`` after the sweep flags one of its deadlines as overdue.
deadline_flagged = Signal()

# Sent with ``run`` after a transition marks the deadlines of the stage it leaves as met.
deadlines_met = Signal()
