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


class DuplicateKey(Exception):
    def __init__(self, path: str, line: int, first: int):
        super().__init__(path)
        self.path, self.line, self.first = path, line, first


def _parse(text: str) -> list:
    """libyaml when the text cannot hold an anchor or alias (no '&', no '*') and has no tab
    or tag ('!': there the two build different data): ~8x faster on a 200-network profile.
    The pure-Python loader otherwise, and for every error, so that aliases are refused and
    messages and positions are the same either way. Where both read a text they build the
    same data (tests/test_fuzz.py); libyaml is laxer on a few malformed texts ('>#').
    Each document's node tree is checked for duplicate keys before it is built."""
    if FAST is not None and not any(c in text for c in "&*!\t"):
        try:
            return _documents(FAST, text)
        except yaml.YAMLError:
            pass  # the pure-Python loader below says it, the same way every time
    return _documents(_NoAliasLoader, text)


def _documents(loader_class, text: str) -> list:
    loader = loader_class(text)
    try:
        docs = []
        while loader.check_node():
            node = loader.get_node()
            _no_duplicate_keys(node)
            docs.append(loader.construct_document(node))
        return docs
    finally:
        loader.dispose()


def _no_duplicate_keys(root) -> None:
    """A mapping takes each key once (PyYAML keeps the last silently): DuplicateKey with the
    path of the second. Iterative, so depth is no concern here."""
    stack = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                here = P.join(path, name) if name is not None else path
                if name is not None and name != "<<":
                    if name in seen:
                        raise DuplicateKey(here, key.start_mark.line + 1, seen[name])
                    seen[name] = key.start_mark.line + 1
                stack.append((value, here))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, P.join(path, i)) for i, item in enumerate(node.value))


def _surrogates(value, path: str = ""):
    """Strings from \\u escapes may hold UTF-16 surrogates: a pair becomes its character, a
    lone one is an error (nothing could write it as UTF-8). Returns (value, problems)."""
    problems: list[P.Problem] = []

    def fix(text: str, where: str) -> str:
        if not any("\ud800" <= c <= "\udfff" for c in text):
            return text
        try:
            return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            problems.append(P.error(where or "(top)", "holds a lone UTF-16 surrogate (a broken \\u escape); "
                                                      "write the character itself or a complete \\U escape"))
            return text

    def walk(v, where: str):
        if isinstance(v, str):
            return fix(v, where)
        if isinstance(v, dict):
            return {(fix(k, where) if isinstance(k, str) else k): walk(x, P.join(where, str(k)))
                    for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, P.join(where, i)) for i, x in enumerate(v)]
        return v

    return walk(value, path), problems


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
    except DuplicateKey as exc:
        return None, [P.error(exc.path, f"duplicate key (line {exc.line}; first at line {exc.first}): "
                                        "a mapping takes each key once")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [P.error("", f"{what} is not valid YAML{where}: {exc.problem or exc.context}")]
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        return None, [P.error("",
                              f"{what} is not valid YAML: "
                              f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")]
    docs = [d for d in docs if d is not None]
    if not docs:
        return None, [P.error("", f"{what} holds no YAML document")]
    if len(docs) > 1:
        return None, [P.error("", f"{what} holds {len(docs)} YAML documents; give exactly one")]
    if _depth(docs[0]) > MAX_DEPTH:
        return None, [P.error("", f"{what} is nested more than {MAX_DEPTH} levels deep")]
    if "\\u" in text or "\\U" in text:  # only an escape can make a surrogate
        data, problems = _surrogates(docs[0])
        return (None, problems) if problems else (data, [])
    return docs[0], []


def _depth(value, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level
