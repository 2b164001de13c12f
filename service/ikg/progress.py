"""Progress of long work (building, validating, importing): a bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    """Counts named steps. On a terminal one line is redrawn; in a log each step is a line of its own."""

    def __init__(self, task: str, steps: tuple[str, ...], stream: TextIO | None = None) -> None:
        self.task = task
        self.steps = steps
        self.total = len(steps)
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.terminal = self.stream.isatty()

    def step(self) -> None:
        self.done += 1
        what = self.steps[min(self.done, self.total) - 1]
        elapsed = time.monotonic() - self.started
        if self.terminal:
            filled = BAR_WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if self.done >= self.total else ""
            self.stream.write(f"\r{self.task} [{bar}] {self.done}/{self.total} {what:<30.30} {elapsed:5.1f} s{end}")
        else:
            self.stream.write(f"{self.task}: {self.done}/{self.total} {what} ({elapsed:.1f} s)\n")
        self.stream.flush()


class Silent:
    """For library callers that want no output."""

    def step(self) -> None:
        pass
