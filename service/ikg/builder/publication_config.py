"""The publisher's settings (publication.toml): publisher, contact, licence and catalogue, proposals until confirmed."""

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
class Contact:
    name: str
    url: str
    email: str


@dataclass(frozen=True)
class CatalogueSettings:
    identifier: str
    spatial: str
    geocoding_level: str
    themes: tuple[str, ...]
    keywords: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class PublicationConfig:
    publisher_name: str
    publisher_homepage: str
    publisher_resource: str
    publisher_type: str
    contact: Contact
    licence: Licence
    catalogue: CatalogueSettings


def load(root: Path) -> PublicationConfig:
    path = root / "publication.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        publisher, contact, licence, catalogue = (
            data["publisher"],
            data["contact"],
            data["licence"],
            data["catalogue"],
        )
        config = PublicationConfig(
            publisher_name=publisher["name"],
            publisher_homepage=publisher["homepage"],
            publisher_resource=publisher["resource"],
            publisher_type=publisher["type"],
            contact=Contact(contact["name"], contact.get("url", ""), contact.get("email", "")),
            licence=Licence(
                licence["iri"],
                licence["label"],
                licence["url"],
                licence.get("attribution", ""),
                bool(licence.get("confirmed", False)),
            ),
            catalogue=CatalogueSettings(
                identifier=catalogue["identifier"],
                spatial=catalogue["spatial"],
                geocoding_level=catalogue["geocoding_level"],
                themes=tuple(catalogue["themes"]),
                keywords={"de": tuple(catalogue["keywords_de"]), "en": tuple(catalogue["keywords_en"])},
            ),
        )
    except FileNotFoundError as problem:
        raise ValueError(f"{path}: the publisher's settings are missing") from problem
    except KeyError as problem:
        raise ValueError(f"{path}: the setting {problem} is missing") from problem
    except tomllib.TOMLDecodeError as problem:
        raise ValueError(f"{path}: {problem}") from problem
    if not (config.contact.url or config.contact.email):
        raise ValueError(f"{path}: [contact] needs a url or an email (DCAT-AP.de Konvention 1)")
    return config
