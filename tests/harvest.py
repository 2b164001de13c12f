"""Harvests a DCAT catalogue the way ckanext-dcat's RDF harvester does, and prints what CKAN would store.

Run with the harvester's own Python (tests/install-harvester makes it: CKAN and ckanext-dcat pin other
versions than ikg, as a real portal is a separate installation):

    .venv-harvester/bin/python tests/harvest.py URL [PROFILE ...]

Like the harvester it sends no Accept header and takes the parser from the response's Content-Type.
Prints one JSON object: the content type and, per dataset, the package dict's title, identifier and
resources (url, format, license).
"""

from __future__ import annotations

import json
import sys
import urllib.request

from ckanext.dcat.processors import RDFParser


def harvest(url: str, profiles: list[str]) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        content_type = answer.headers.get("Content-Type", "")
        content = answer.read().decode("utf-8")
    parser = RDFParser(profiles=profiles)
    parser.parse(content, _format=content_type.split(";")[0].strip())
    datasets = []
    for dataset in parser.datasets():
        extras = {e["key"]: e["value"] for e in dataset.get("extras", [])}
        datasets.append(
            {
                "title": dataset.get("title"),
                "identifier": dataset.get("identifier") or extras.get("identifier"),
                "resources": [
                    {"url": r.get("url"), "format": r.get("format"), "license": r.get("license")}
                    for r in dataset.get("resources", [])
                ],
            }
        )
    return {"content_type": content_type, "datasets": datasets}


if __name__ == "__main__":
    print(json.dumps(harvest(sys.argv[1], sys.argv[2:] or ["euro_dcat_ap_3"]), ensure_ascii=False))
