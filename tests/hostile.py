"""Hostile results for the injection and integrity tests: every string field of a result carrying a payload.

:func:`poison_result` takes a result file's JSON and appends :data:`PAYLOAD` to every string value that the schema lets
hold any text, then recomputes the verdict and
summary from the poisoned assessment through the claim's own verdict function, as a run whose frameworks printed
hostile error messages would have written them: the result passes validation and the integrity check, so what
the site shows is the payload, not a refusal. A field the schema constrains (a verdict name, a venue, a date the
claim's code parses) keeps its value: the loop drops the payload wherever validation or the verdict rule refuses
it.
"""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

#: Live markup in every context the site writes text into: HTML text and attributes (the quote and angle
#: bracket), Markdown (a raw tag, a link), JSON inside a <script> (the closing tag), SVG (an event attribute).
PAYLOAD = ("\"'><img src=x onerror=alert(1)>[click](javascript:alert(2))</script><script>alert(3)</script>"
           "<svg onload=alert(4)>`<b>5</b>`&amp;")
#: What an address field (a link target on the site) carries instead, and the fields that hold addresses.
URL_PAYLOAD = "javascript:alert(5)//"
URL_FIELDS = {"url", "reference", "href", "link"}
#: What must never appear in a built page that was built from poisoned results: a tag or attribute from it.
LIVE = re.compile(r"<img src=x onerror|<script>alert\(3\)|<svg onload|href=[\"']?javascript:|<b>5</b>|"
                  r"onerror=alert\(1\)>", re.IGNORECASE)
#: What shows that a payload reached the page (escaped, as text).
SHOWN = re.compile(re.escape(html.escape("<img src=x onerror=alert(1)>", quote=False)))


def _paths(value: Any, where: tuple = ()) -> list[tuple]:
    """The path of every string leaf of ``value``."""
    if isinstance(value, str):
        return [where]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*where, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, (*where, i))]
    return []


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


#: Fields left as they are: those the integrity check compares, and identities the readers look things up by.
_KEEP = {("verdict",), ("summary",), ("venue",), ("schema_version",), ("code_hash",), ("claim", "id"),
         ("provenance", "mode")}


def poison_result(raw: dict, claim_id: str, payload: str = PAYLOAD) -> dict:
    """``raw`` (a result file's JSON) with ``payload`` appended to every string the schema and the claim's
    verdict rule accept, and its verdict and summary recomputed from the poisoned assessment."""
    from pydantic import ValidationError

    from evidence.claim import Verdict
    from evidence.registry import get_claim
    from evidence.results import ResultFile, assessment_type, stability

    claim = get_claim(claim_id)
    data = copy.deepcopy(raw)
    # The decision (codes and numbers, recomputed on read) is never poisoned: a changed one is refused as edited.
    candidates = [p for p in _paths(data) if p not in _KEEP and not (p[0] == "reruns" and p[-1] == "verdict")
                  and "decision" not in p]
    for path in candidates:
        # An address from data becomes a link target: it gets a script scheme instead of the payload.
        hostile = URL_PAYLOAD if path[-1] in URL_FIELDS else _get(data, path) + payload
        _set(data, path, hostile)
    for _ in range(50):  # drop the payload where validation refuses it, until the result validates
        try:
            result = ResultFile[assessment_type(claim_id)].model_validate(json.loads(json.dumps(data)))
            again = claim.verdict(result.assessment)
        except ValidationError as exc:
            if not _revert(data, raw, [e["loc"] for e in exc.errors()], payload):
                raise
            continue
        except Exception:  # the verdict rule cannot read a poisoned assessment field: keep the assessment clean
            data["assessment"] = copy.deepcopy(raw["assessment"])
            continue
        break
    else:  # pragma: no cover - the loop always converges on the committed results
        raise AssertionError(f"{claim_id}: the poisoned result never validated")
    # The decision is recomputed from the poisoned assessment and stored, as a run that measured it would.
    decision = again.decision.model_dump(mode="json") if again.decision is not None else None
    data["decision"] = decision
    if data.get("reruns"):
        data["reruns"][-1].update(verdict=again.verdict, summary=again.summary, decision=decision)
        from evidence.results import Rerun

        final = stability([Rerun.model_validate(r) for r in data["reruns"]], again)
    else:
        final = Verdict(again.verdict, again.summary)
    data["verdict"], data["summary"] = final.verdict, final.summary
    return data


def _revert(data: dict, original: dict, locations: list[tuple], payload: str) -> bool:
    """Take the payload off the string fields at pydantic error ``locations``; whether one was."""
    fixed = False
    for parts in locations:
        for depth in range(len(parts), 0, -1):  # pydantic may name a union member after the field
            path = tuple(parts[:depth])
            try:
                value = _get(data, path)
            except (KeyError, IndexError, TypeError):
                continue
            if isinstance(value, str) and value == URL_PAYLOAD:
                _set(data, path, _get(original, path))
                fixed = True
                break
            if isinstance(value, str) and value.endswith(payload):
                _set(data, path, value[: -len(payload)])
                fixed = True
                break
            if isinstance(value, dict | list):  # a validator of the whole mapping: clean every string in it
                for sub in _paths(value):
                    text = _get(value, sub)
                    if text.endswith(payload):
                        _set(value, sub, text[: -len(payload)])
                        fixed = True
                break
    return fixed


def _dicts(value: Any, where: tuple = ()) -> list[tuple]:
    """The path of every non-empty mapping inside ``value``."""
    out = []
    if isinstance(value, dict):
        if value:
            out.append(where)
        for k, v in value.items():
            out += _dicts(v, (*where, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _dicts(v, (*where, i))
    return out


def _rekey(data: dict, paths: list[tuple], payload: str) -> dict:
    """A copy of ``data`` with ``payload`` appended to every key of the mappings at ``paths`` (deepest first, so
    the outer paths still lead to them)."""
    out = json.loads(json.dumps(data))
    for path in sorted(paths, key=len, reverse=True):
        mapping = _get(out, path) if path else out
        renamed = {f"{k}{payload}": v for k, v in mapping.items()}
        mapping.clear()
        mapping.update(renamed)
    return out


#: How many trials :func:`poison_keys` makes per result (each validates, judges and, at the end, renders).
BISECT_BUDGET = 120


def poison_keys(data: dict, claim_id: str, payload: str = PAYLOAD) -> dict:
    """``data`` (a poisoned result) with ``payload`` also appended to the keys of every mapping (subjects,
    findings, sub-claims, the assessment's mappings) whose renaming the schema, the verdict rule and the claim's
    page all accept; found by bisection, so that one refusing mapping does not keep the rest clean."""
    from evidence.registry import get_claim
    from evidence.results import ResultFile, assessment_type
    from kvt_docs.claim_page import render_claim_page
    from kvt_docs.site_data import ClaimEntry

    claim = get_claim(claim_id)
    kind = ResultFile[assessment_type(claim_id)]
    top = [("findings",), ("subjects",), ("claim", "sub_claims")]
    candidates = [p for p in _dicts(data) if p and p[0] in ("assessment", "findings", "subjects", "claim")
                  and p[:2] not in (("claim", "thresholds"), ("claim", "settings"))
                  and (p[0] != "subjects" or len(p) == 1) and (p[0] != "claim" or p in top)]
    import tempfile

    def accepted(paths: list[tuple], render: bool) -> bool:
        trial = _rekey(data, paths, payload)
        try:
            result = kind.model_validate(json.loads(json.dumps(trial)))
            again = claim.verdict(result.assessment)
            if (again.verdict, again.summary) != (data["verdict"], data["summary"]) and not data.get("reruns"):
                return False  # a renamed key changed the verdict: not a poisoning the integrity check lets pass
            if render:  # the page (the slow part) only where the cheap checks passed
                with tempfile.TemporaryDirectory() as tmp:
                    (Path(tmp) / f"{claim_id}.{result.venue}.json").write_text(json.dumps(trial))
                    render_claim_page(ClaimEntry(claim_id, claim, {result.venue: result}, None, Path(tmp)))
        except Exception:
            return False
        return True

    kept: list[tuple] = []
    full, data = data, {**data, "subjects": {k: {**v, "measurements": {}} for k, v in data["subjects"].items()}}
    budget = [BISECT_BUDGET]  # trials per result: the mappings the verdict rule looks up by key never pass

    def bisect(paths: list[tuple], render: bool) -> None:
        if not paths or budget[0] <= 0:
            return
        budget[0] -= 1
        if accepted(kept + paths, render):
            kept.extend(paths)
        elif len(paths) > 1:
            bisect(paths[: len(paths) // 2], render)
            bisect(paths[len(paths) // 2:], render)

    bisect(candidates, render=False)
    if not accepted(kept, render=True):  # a renamed key the page cannot find: bisect again, with the page
        cheap, kept[:], budget[0] = list(kept), [], BISECT_BUDGET
        bisect(cheap, render=True)
    return _rekey(full, kept, payload)


def poison_folder(source: Path, dest: Path, payload: str = PAYLOAD, *, keys: bool = True) -> Path:
    """Every result in ``source`` poisoned into ``dest`` (with ``keys``, mapping keys too); ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.*.json")):
        claim_id = path.name.split(".")[0]
        raw = json.loads(path.read_text(encoding="utf-8"))
        poisoned = poison_result(raw, claim_id, payload)
        if keys:
            poisoned = poison_keys(poisoned, claim_id, payload)
        (dest / path.name).write_text(json.dumps(poisoned, indent=1), encoding="utf-8")
    return dest
