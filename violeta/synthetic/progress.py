"""A progress bar on a text stream: cases done, rate and time left.

On a terminal it redraws one line a few times a second; elsewhere (a log, a test) it writes a
line at each tenth of the work, so logs stay readable.
"""

from __future__ import annotations

import time
from typing import Protocol

from django.utils.translation import gettext as _

WIDTH = 28
REDRAW_SECONDS = 0.2


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Progress:
    def __init__(self, *, total: int, stream: Stream) -> None:
        self.total = max(1, total)
        self.stream = stream
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.tenths = -1
        self.tty = stream.isatty()
        self.line_open = False

    def line(self, done: int) -> str:
        elapsed = max(1e-9, time.monotonic() - self.started)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else 0.0
        filled = int(WIDTH * done / self.total)
        bar = "█" * filled + "·" * (WIDTH - filled)
        return _("%(bar)s %(done)s/%(total)s casos · %(rate)s casos/s · faltan %(eta)s") % {
            "bar": bar,
            "done": f"{done:,}",
            "total": f"{self.total:,}",
            "rate": f"{rate:,.0f}",
            "eta": _clock(left),
        }

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.tty:
            if now - self.drawn_at >= REDRAW_SECONDS or done >= self.total:
                self.drawn_at = now
                self.stream.write("\r" + self.line(done))
                self.stream.flush()
                self.line_open = True
            return
        tenths = 10 * done // self.total
        if tenths != self.tenths:
            self.tenths = tenths
            self.stream.write(self.line(done) + "\n")
            self.stream.flush()

    def _close_line(self) -> None:
        if self.line_open:
            self.stream.write("\n")
            self.line_open = False

    def finish(self) -> None:
        self._close_line()
        self.stream.flush()

    def message(self, text: str) -> None:
        """A line of its own after the bar (e.g. the phase that follows the load)."""
        self._close_line()
        self.stream.write(text + "\n")
        self.stream.flush()
