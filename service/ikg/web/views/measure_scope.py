"""`?scope=current`: the Controlling-Gruppe's counts and charts over the current measures alone.

What counts as current is one rule, written once as the query fragment queries/fragments/current-measure.rq
and applied by every named query that takes the parameter `scope` (the named query current-measures lists
it per measure): where a report edition names the measure, the latest edition must contain it and not list
it as ended or planned; otherwise the editors' currency filing decides.
"""

from __future__ import annotations

from collections.abc import Mapping

from .evidence_switch import one_of

ALL = "all"
CURRENT = "current"
CHOICES = (ALL, CURRENT)
WORDS = {
    "de": {
        "showing": "Maßnahmen:",
        "all": "alle",
        "current": "nur laufende",
        "note": "Laufend: Nennt eine Ausgabe des Statusberichts die Maßnahme, muss die jüngste sie enthalten und "
        "nicht als beendet oder geplant führen; sonst entscheidet die Einordnung der Redaktion (aktuell).",
    },
    "en": {
        "showing": "Measures:",
        "all": "all",
        "current": "current only",
        "note": "Current: where an edition of the status report names the measure, the latest edition must "
        "contain it and not list it as ended or planned; otherwise the editors' filing (current) decides.",
    },
}


def chosen(params: Mapping[str, str]) -> str:
    """The measures the request asks for: `all` unless it says `current`."""
    return one_of(params, "scope", CHOICES)
