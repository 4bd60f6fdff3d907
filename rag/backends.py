"""Lazy loading of optional backends (embedders, generators) by name."""

from __future__ import annotations

import importlib
from typing import Any

from rag.errors import BackendUnavailable

Table = dict[str, tuple[str, str, str]]
"""backend name -> (module, class, pip install hint)"""


def load_backend(kind: str, name: str, table: Table) -> Any:
    """The backend class for ``name``; a missing optional dependency names the install to run."""
    module_name, class_name, hint = table[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise BackendUnavailable(
            f"{kind} backend {name!r} needs a package that is not installed ({exc.name}); run: {hint}"
        ) from exc
    return getattr(module, class_name)
