"""What /health and /status say of reloads: the last one's outcome and whether one is running. With several
serving processes, the builder writes it to a file beside dist/ that every server reads."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    trigger: str  # "watch" or "request"
    finished: str  # ISO 8601, UTC
    seconds: float
    graph_version: str | None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class ReloadLog:
    """The outcome of the last reload, for /health and /status; None until the first one."""

    def __init__(self) -> None:
        self.last: ReloadResult | None = None
        self.running = False

    def as_dict(self) -> dict | None:
        return self.last.as_dict() if self.last else None

    def begin(self) -> None:
        self.running = True

    def end(self, result: ReloadResult | None) -> None:
        """`None`: the reload ended without a result (it was cancelled); the last one stays."""
        self.running = False
        self.last = result or self.last

    def read(self, path: Path) -> None:
        """Takes the state the builder of several serving processes wrote (SharedReloadLog), if any."""
        try:
            state = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return
        self.running = bool(state.get("running"))
        self.last = ReloadResult(**state["last"]) if state.get("last") else None


class SharedReloadLog(ReloadLog):
    """The builder's log when several processes serve one port: written to a file next to dist/ at every change,
    so that every process shows the same reload on /health and /status."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.answering: list[str] = []  # the servers' requests the running reload answers
        self.answered: list[str] = []
        self._write()

    def begin(self) -> None:
        super().begin()
        self._write()

    def end(self, result: ReloadResult | None) -> None:
        super().end(result)
        self.answered, self.answering = self.answering, []
        self._write()

    def _write(self) -> None:
        state = {"running": self.running, "last": self.as_dict(), "answered": self.answered}
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(state), encoding="utf-8")
        os.replace(partial, self.path)  # a reader sees the old state or the new one, never half of one


def shared_log_path(dist: Path) -> Path:
    return dist.with_name(f".{dist.name}.reloads.json")
