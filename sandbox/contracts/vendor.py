"""Cut the published API documents down to the operations opsheets uses, and pin the cuts here.

    python -m sandbox.contracts.vendor [SPEC_DIR]     # default ../shared/api-specs beside the checkout

Each OpenAPI document keeps only the paths and methods in `operations.py` and the components they
reach by `$ref`; examples are dropped (Jira's alone are megabytes). The Sheets discovery document
keeps every schema (a batchUpdate request reaches most of them); the Drive one keeps the schemas its
file and permission methods reach. Loading a cut takes milliseconds instead of seconds, and the repo
does not depend on a folder outside it. `specs/ORIGIN.md` records each source's version and digest.

One rewrite, of form only: OpenAPI 3.0 ignores keywords beside a `$ref`, and `nullable` does not
reach into `oneOf`/`anyOf` branches, yet the Intercom document writes `nullable: true` in both places
and means it (its descriptions say "null if ..."). The cut says the same thing in the form a 3.0
validator reads: `anyOf: [the schema, {enum: [null]}]`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from sandbox.contracts.operations import of

HERE = Path(__file__).parent / "specs"
SOURCES = {
    "jira": "jira-cloud-platform.v3.openapi.json",
    "bamboohr": "bamboohr.public.openapi.yaml",
    "intercom": "intercom-2.14.openapi.yaml",
    "sheets": "google-sheets-v4.discovery.json",
    "drive": "google-drive-v3.discovery.json",
}
_DROPPED_KEYS = frozenset({"example", "examples", "x-atlassian-connect-scope", "x-atlassian-oauth2-scopes",
                           "x-experimental", "x-codegen-request-body-name"})  # fmt: skip


def load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def refs_in(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def without_examples(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_examples(v) for k, v in node.items() if k not in _DROPPED_KEYS}
    if isinstance(node, list):
        return [without_examples(v) for v in node]
    return node


def nullable_as_validated(node: Any) -> Any:
    """`node` with each `nullable` beside a `$ref` or over `oneOf`/`anyOf` spelled as a null branch."""
    if isinstance(node, list):
        return [nullable_as_validated(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: nullable_as_validated(v) for k, v in node.items()}
    if node.get("nullable") is not True:
        return node
    if "$ref" in node:
        rest = {k: v for k, v in node.items() if k not in ("$ref", "nullable")}
        return {**rest, "anyOf": [{"$ref": node["$ref"]}, {"enum": [None]}]}
    for key in ("oneOf", "anyOf"):
        if key in node:
            node[key] = [*node[key], {"enum": [None]}]
    return node


def cut_openapi(document: dict[str, Any], api: str) -> dict[str, Any]:
    """`document` with only `api`'s operations and what they reach."""
    paths: dict[str, Any] = {}
    for op in of(api):
        item = document["paths"][op.path]  # a KeyError here: the contract has no such path
        kept = paths.setdefault(op.path, {k: v for k, v in item.items() if k in ("parameters", "servers")})
        kept[op.method.lower()] = item[op.method.lower()]
    cut: dict[str, Any] = {
        k: document[k] for k in ("openapi", "info", "servers", "security") if k in document
    }
    cut["paths"] = paths
    cut["components"] = _reached_components(document, paths)
    cut = without_examples(cut)
    return nullable_as_validated(cut) if str(cut["openapi"]).startswith("3.0") else cut


def _reached_components(document: dict[str, Any], roots: Any) -> dict[str, Any]:
    components = document.get("components", {})
    kept: dict[str, dict[str, Any]] = {}
    pending = refs_in(roots) | refs_in(document.get("security", []))
    for scheme in components.get("securitySchemes", {}):
        pending.add(f"#/components/securitySchemes/{scheme}")
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        kind, name = ref.removeprefix("#/components/").split("/", 1)
        target = components[kind][name]
        kept.setdefault(kind, {})[name] = target
        pending |= refs_in(target)
    return {kind: dict(sorted(items.items())) for kind, items in sorted(kept.items())}


def cut_discovery(document: dict[str, Any], api: str) -> dict[str, Any]:
    """The discovery document's methods for `api`'s operations, with the schemas they reach."""
    methods = {
        f"{m['httpMethod']} {m['flatPath']}": m for m in _discovery_methods(document.get("resources", {}))
    }
    kept_methods = {op.name: methods[op.name] for op in of(api)}
    schemas = document["schemas"]
    if api == "sheets":
        reached = set(schemas)
    else:
        reached, pending = (
            set(),
            {m[k]["$ref"] for m in kept_methods.values() for k in ("request", "response") if k in m},
        )
        while pending:
            name = pending.pop()
            if name not in reached:
                reached.add(name)
                pending |= refs_in(schemas[name])
    return {
        "name": document["name"],
        "servicePath": document.get("servicePath", ""),
        "version": document["version"],
        "revision": document.get("revision"),
        "parameters": document.get("parameters", {}),
        "methods": kept_methods,
        "schemas": {name: schemas[name] for name in sorted(reached)},
    }


def _discovery_methods(resources: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for resource in resources.values():
        found.extend(resource.get("methods", {}).values())
        found.extend(_discovery_methods(resource.get("resources", {})))
    return found


def vendor(spec_dir: Path) -> list[str]:
    origin = ["| cut | source | version | sha256 of the source |", "|---|---|---|---|"]
    for api, filename in SOURCES.items():
        source = spec_dir / filename
        document = load(source)
        if not of(api):
            continue
        cut = cut_discovery(document, api) if "discovery" in filename else cut_openapi(document, api)
        target = HERE / f"{api}.json"
        target.write_text(json.dumps(cut, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        version = document.get("info", {}).get("version") or document.get("revision")
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        origin.append(f"| `{target.name}` | `{filename}` | {version} | `{digest}` |")
    return origin


def main() -> None:
    default = Path(__file__).resolve().parents[2].parent / "shared" / "api-specs"
    spec_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    rows = vendor(spec_dir)
    origin = HERE / "ORIGIN.md"
    head = origin.read_text(encoding="utf-8").split("<!-- cuts -->")[0] if origin.exists() else ""
    origin.write_text(head + "<!-- cuts -->\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
