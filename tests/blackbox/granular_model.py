"""A model, written for the tests, of what a reader receives of an object whose parts carry
granular markings (STIX 2.1 §7.2.3 "Granular Markings"; docs/sharing-rules.md). The black-box
tests compare the server's answers with it; it never asks the server.

  - A granular marking applies its `marking_ref` to the parts its `selectors` name; an entry
    with `lang` and no `marking_ref` restricts nothing (§7.2.3: `lang` states the language
    of the selected text, it is not a marking).
  - A part takes the most restrictive TLP of every marking that selects it or a part that
    contains it; a marking-definition that is not a known TLP id counts as AMBER, as at the
    object level.
  - A part's markings apply in addition to its object's (§7.2.3), so a part is handled at
    the more restrictive of its own level and the object's: a part is never less
    restricted than its object.
  - A reader is given a part when it may see its TLP (the caller's `may_see(level)`, i.e.
    the object-level rule applied to the object as if it were labelled with that level).
  - A hidden part is taken out; list items after it move down, and every selector of the
    remaining granular markings is rewritten to where its part now is; selectors of parts
    that are gone, entries left without selectors, and a granular_markings left empty go
    too; a list property left empty is dropped (STIX 2.1 §3.2 prohibits empty lists).
  - The object is withheld (absent for that reader) when a hidden part is one of `id`,
    `type`, `spec_version`, `created`, `modified`, `object_marking_refs`,
    `granular_markings` or the audience extension, or when what is left is not valid STIX
    2.1 (`valid` below knows the rules of the object shapes the tests use).

The removal is computed differently from the server on purpose: the model rebuilds the
object from the original and records where each surviving part ends up, rather than erasing
parts in order and renumbering selectors afterwards.
"""
import copy

from harness import AUDIENCE_EXT

LEVELS = ["clear", "green", "amber", "amber+strict", "red"]
MARKING_LEVEL = {
    # TLP 2.0
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": "amber+strict",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
    # TLP 1.0 (STIX 2.1 §7.2.1.4)
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}
CONTROL = {"id", "type", "spec_version", "created", "modified", "object_marking_refs",
           "granular_markings"}

# Required properties of the object types the tests use (STIX 2.1 §4.7 indicator, §4.13
# report, §7.1 language-content, §4.11 malware, §6.5 email-addr).
REQUIRED = {
    "email-addr": ("value",),
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "report": ("name", "published", "object_refs"),
    "language-content": ("object_ref", "contents"),
    "malware": ("is_family",),
}


def level_of(marking_ref):
    return MARKING_LEVEL.get(marking_ref, "amber")


def most_restrictive(a, b):
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


def parse_selector(text):
    """'external_references.[1].url' -> ('external_references', 1, 'url'); None when it
    is not a selector."""
    steps = []
    for step in text.split("."):
        if not step:
            return None
        if step.startswith("["):
            if not (step.endswith("]") and step[1:-1].isdigit()):
                return None
            steps.append(int(step[1:-1]))
        else:
            steps.append(step)
    return tuple(steps)


def render_selector(path):
    return ".".join("[%d]" % s if isinstance(s, int) else s for s in path)


def part_levels(obj):
    """selector path -> its own TLP level (the most restrictive marking naming it)."""
    out = {}
    for entry in obj.get("granular_markings", []):
        if "marking_ref" not in entry:
            continue  # `lang` only: not a marking
        level = level_of(entry["marking_ref"])
        for s in entry["selectors"]:
            path = parse_selector(s)
            out[path] = most_restrictive(out.get(path, "clear"), level)
    return out


def effective_levels(obj):
    """selector path -> the level that decides it: its own and that of every marked part
    containing it."""
    own = part_levels(obj)
    out = {}
    for path in own:
        level = "clear"
        for other, lv in own.items():
            if other is not None and path is not None and path[:len(other)] == other:
                level = most_restrictive(level, lv)
        out[path] = own[path] if path is None else level
    return out


def is_control(path):
    head = path[0]
    if head in CONTROL:
        return True
    return head == "extensions" and (len(path) == 1 or path[1] == AUDIENCE_EXT)


_GONE = object()


def _rebuild(value, path, hidden, where):
    """The value at original `path` without hidden parts; `where` maps each surviving
    original path to its new path."""
    if path in hidden:
        return _GONE
    new_path = where[path]
    if isinstance(value, dict):
        out = {}
        for k, x in value.items():
            where[path + (k,)] = new_path + (k,)
            y = _rebuild(x, path + (k,), hidden, where)
            if y is _GONE:
                where.pop(path + (k,), None)
            else:
                out[k] = y
        return out
    if isinstance(value, list):
        out = []
        for i, x in enumerate(value):
            where[path + (i,)] = new_path + (len(out),)
            y = _rebuild(x, path + (i,), hidden, where)
            if y is _GONE:
                where.pop(path + (i,), None)
            else:
                out.append(y)
        if value and not out and path and not isinstance(path[-1], int):
            # a list property emptied by the removal goes as a whole
            for p in [p for p in where if p[:len(path)] == path]:
                del where[p]
            return _GONE
        return out
    return copy.deepcopy(value)


def valid(obj):
    """The STIX 2.1 MUST rules the tests' objects can break by losing a part."""
    for prop in REQUIRED.get(obj["type"], ()):
        if prop not in obj:
            return False
    for ref in obj.get("external_references", []):
        # §2.5: source_name, and at least one of description, url, external_id
        if "source_name" not in ref or not ({"description", "url", "external_id"} & set(ref)):
            return False
    for phase in obj.get("kill_chain_phases", []):
        if "kill_chain_name" not in phase or "phase_name" not in phase:  # §2.6
            return False

    def no_empty(v):
        if isinstance(v, (dict, list)) and not v:
            return False  # §3.2 empty lists; empty dictionaries (contents, extensions)
        if isinstance(v, dict):
            return all(no_empty(x) for x in v.values())
        if isinstance(v, list):
            return all(no_empty(x) for x in v)
        return True

    return no_empty(obj)


def view(obj, may_see, object_level="clear"):
    """What a reader for whom `may_see(level)` holds receives of `obj`, whose own level is
    `object_level` (the reader may see the object): a new dict, or None when the object is
    withheld from it."""
    levels = effective_levels(obj)
    hidden = {p for p, lv in levels.items()
              if not may_see(most_restrictive(lv, object_level))}
    if not hidden:
        return copy.deepcopy(obj)
    if None in hidden or any(is_control(p) for p in hidden):
        return None
    body = {k: x for k, x in obj.items() if k != "granular_markings"}
    where = {(): ()}
    out = _rebuild(body, (), hidden, where)
    kept = []
    for entry in obj.get("granular_markings", []):
        selectors = [render_selector(where[parse_selector(s)]) for s in entry["selectors"]
                     if parse_selector(s) in where]
        if selectors:
            e = dict(entry)
            e["selectors"] = selectors
            kept.append(e)
    if kept:
        out["granular_markings"] = kept
    return out if valid(out) else None
