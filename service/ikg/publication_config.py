"""The publisher's settings (publication.toml): publisher and licence, proposals until confirmed."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Licence:
    iri: str
    label: str
    url: str
    attribution: str
    confirmed: bool


@dataclass(frozen=True)
class PublicationConfig:
    publisher_name: str
    publisher_homepage: str
    licence: Licence


def load(root: Path) -> PublicationConfig:
    path = root / "publication.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        licence = data["licence"]
        return PublicationConfig(
            publisher_name=data["publisher"]["name"],
            publisher_homepage=data["publisher"]["homepage"],
            licence=Licence(
                licence["iri"],
                licence["label"],
                licence["url"],
                licence.get("attribution", ""),
                bool(licence.get("confirmed", False)),
            ),
        )
    except FileNotFoundError as problem:
        raise ValueError(f"{path}: the publisher's settings are missing") from problem
    except (KeyError, tomllib.TOMLDecodeError) as problem:
        raise ValueError(f"{path}: {problem}") from problem
