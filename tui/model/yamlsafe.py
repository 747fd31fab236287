"""Reading untrusted YAML: size-bounded, no aliases, no custom tags, never a traceback."""

from __future__ import annotations

import yaml

from tui.model import problems as P

MAX_BYTES = 1 << 20  # 1 MiB: a profile or Harvester config is a few KiB
MAX_DEPTH = 64


FAST = getattr(yaml, "CSafeLoader", None)  # None when PyYAML was built without libyaml


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not supported here", event.start_mark
            )
        return super().compose_node(parent, index)


def _parse(text: str) -> list:
    """libyaml when the text cannot hold an anchor or alias (no '&', no '*') and has no tab
    or tag ('!': there the two build different data): ~8x faster on a 200-network profile.
    The pure-Python loader otherwise, and for every error, so that aliases are refused and
    messages and positions are the same either way. Where both read a text they build the
    same data (tests/test_fuzz.py); libyaml is laxer on a few malformed texts ('>#')."""
    if FAST is not None and not any(c in text for c in "&*!\t"):
        try:
            return list(yaml.load_all(text, Loader=FAST))
        except yaml.YAMLError:
            pass  # the pure-Python loader below says it, the same way every time
    return list(yaml.load_all(text, Loader=_NoAliasLoader))


def load_yaml(text: str | bytes, what: str = "input") -> tuple[object, list[P.Problem]]:
    """Parse one YAML document. Returns (data, problems); data is None on any problem."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return None, [P.error("", f"{what} is {len(text)} bytes; at most {MAX_BYTES} are read")]
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [P.error("", f"{what} is not UTF-8 text (byte {exc.start})")]
    if len(text) > MAX_BYTES:
        return None, [P.error("", f"{what} is {len(text)} characters; at most {MAX_BYTES} are read")]
    if "\x00" in text:
        return None, [P.error("", f"{what} contains NUL bytes; it is not a text file")]
    if not text.strip():
        return None, [P.error("", f"{what} is empty")]
    try:
        docs = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [P.error("", f"{what} is not valid YAML{where}: {exc.problem or exc.context}")]
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        return None, [P.error("", f"{what} is not valid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")]
    docs = [d for d in docs if d is not None]
    if not docs:
        return None, [P.error("", f"{what} holds no YAML document")]
    if len(docs) > 1:
        return None, [P.error("", f"{what} holds {len(docs)} YAML documents; give exactly one")]
    if _depth(docs[0]) > MAX_DEPTH:
        return None, [P.error("", f"{what} is nested more than {MAX_DEPTH} levels deep")]
    return docs[0], []


def _depth(value, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level
