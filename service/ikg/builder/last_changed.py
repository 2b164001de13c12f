"""The date the data last changed, for dcterms:modified: not the build's date, which a harvester would take
for a change (GovData keeps the copy with the newest dcterms:modified)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

DATA_FOLDERS = ("graph", "vocab")


def last_changed(root: Path) -> str:
    """The date of the last commit that touched the data when it is committed as it stands; otherwise the
    newest modification time of a data file (an edited working tree, or a copy without git)."""
    committed = _last_commit_date(root)
    if committed is not None:
        return committed
    files = [p for folder in DATA_FOLDERS for p in (root / folder).rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in files), default=0.0)
    return dt.datetime.fromtimestamp(newest, tz=dt.UTC).date().isoformat()


def _last_commit_date(root: Path) -> str | None:
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    if git("status", "--porcelain", "--", *DATA_FOLDERS) != "":
        return None  # not a git checkout, git missing, or data edited since the last commit
    date = git("log", "-1", "--format=%cs", "--", *DATA_FOLDERS)
    return date or None
