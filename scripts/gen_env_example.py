"""Regenerate .env.example from rag.settings.Settings (tests check they agree)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


_EXAMPLES: dict[str, object] = {
    "cluster_aliases": {"Randersklyngen": ["Randersklyngen", "RRA"]},
    "cluster_places": {"Randersklyngen": ["Regionshospitalet Randers", "Randers Kommune"]},
    "keys": {"change-me": {"name": "intranet", "scopes": ["Randersklyngen"], "admin": False}},
}


def _value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Path) and v.is_absolute():
        return ""  # resolved at run time (e.g. the repo's prompts/ folder)
    return str(v)


def render() -> str:
    lines = [
        "# Copy to .env and edit. Every variable is optional; the defaults run the embedded service.",
        "# Nested sections use a double underscore: RAG_<SECTION>__<FIELD>. Empty values are ignored.",
        "",
    ]
    s = Settings(_env_file=None)
    for name, field in Settings.model_fields.items():
        value = getattr(s, name)
        if not isinstance(value, BaseModel):
            lines += [f"# {field.description}", f"RAG_{name.upper()}={_value(value)}", ""]
            continue
        lines.append(f"# --- {name} ---")
        for sub, f in type(value).model_fields.items():
            key = f"RAG_{name.upper()}__{sub.upper()}"
            lines.append(f"# {f.description}")
            if isinstance(getattr(value, sub), dict):
                example = json.dumps(_EXAMPLES.get(sub, {}), ensure_ascii=False)
                lines.append(f"# {key}='{example}'  (JSON)")
            else:
                lines.append(f"{key}={_value(getattr(value, sub))}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    (ROOT / ".env.example").write_text(render(), encoding="utf-8")
