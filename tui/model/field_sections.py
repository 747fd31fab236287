"""The profile's structural field kinds: a nested section, a list of sections and the NIC
selectors, each read through the section's own table (see ``tui.model.fields``)."""

from __future__ import annotations

from tui.model.field_scalars import MAC
from tui.model.fields import Kind, dump_section, load_section, section_schema


class Section(Kind):
    """A nested mapping read into ``cls`` (a profile dataclass) through its own table.

    ``optional``: an absent (or unreadable) section is None, else it is built from its defaults.
    ``always_built``: once present, even an unreadable section is built from its defaults."""

    __slots__ = ("cls", "optional", "always_built")

    def __init__(self, cls: type, optional: bool = True, always_built: bool = False):
        self.cls = cls
        self.optional = optional
        self.always_built = always_built

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P

        data = m.get(key)
        if data is None and self.optional:
            return None
        return load_section(r, data, P.join(path, key), self.cls, ctx,
                            optional=self.optional and not self.always_built)

    def dump(self, value, ctx):
        return None if value is None else dump_section(value, ctx)

    def schema(self):
        return section_schema(self.cls)


class Sections(Kind):
    """A list of mappings, each read into ``cls``."""

    __slots__ = ("cls",)

    def __init__(self, cls: type):
        self.cls = cls

    def load(self, r, m, key, path, ctx):
        from tui.model import problems as P

        out = []
        for i, item in enumerate(r.sequence(m, key, path) or ()):
            section = load_section(r, item, P.join(P.join(path, key), i), self.cls, ctx, optional=True)
            if section is not None:
                out.append(section)
        return tuple(out)

    def dump(self, value, ctx):
        return [dump_section(v, ctx) for v in value]

    def schema(self):
        return {"type": "array", "items": section_schema(self.cls)}


class Selectors(Kind):
    """A list of NIC selectors: ``{name[, mac]}``, ``{mac}`` or ``{match: {...}}``."""

    __slots__ = ("by_name", "by_mac", "by_match", "match")

    def __init__(self, by_name: type, by_mac: type, by_match: type, match: type):
        self.by_name = by_name
        self.by_mac = by_mac
        self.by_match = by_match
        self.match = match

    def load(self, r, m, key, path, ctx):
        from tui.model import formats as F
        from tui.model import problems as P

        out = []
        items = r.sequence(m, key, path)
        path = P.join(path, key)
        for i, item in enumerate(items or ()):
            here = P.join(path, i)
            if isinstance(item, str):
                r.error(here, f"write a selector as a mapping: {{name: {item}}} or {{mac: …}} or {{match: {{…}}}}")
                continue
            sm = r.mapping(item, here, ("name", "mac", "match"))
            if sm is None:
                continue
            if len(sm) != 1 and set(sm) != {"name", "mac"}:
                if sm:
                    r.error(here, "give one of name, mac or match (name and mac may go together)")
                elif isinstance(item, dict) and not item:
                    r.error(here, "empty selector: give name, mac or match")
                continue
            if "name" in sm:
                name = r.string(sm, "name", here, F.ifname)
                mac = r.string(sm, "mac", here, F.mac)
                if name is not None:
                    out.append(self.by_name(name, F.normalize_mac(mac) if mac else None))
            elif "mac" in sm:
                mac = r.string(sm, "mac", here, F.mac)
                if mac is not None:
                    out.append(self.by_mac(F.normalize_mac(mac)))
            else:
                match = load_section(r, sm["match"], P.join(here, "match"), self.match, ctx, optional=True)
                if match is not None:
                    out.append(self.by_match(match))
        return tuple(out)

    def dump(self, value, ctx):
        out = []
        for sel in value:
            if isinstance(sel, self.by_name):
                out.append({"name": sel.name, **({"mac": sel.mac} if sel.mac else {})})
            elif isinstance(sel, self.by_mac):
                out.append({"mac": sel.mac})
            else:
                out.append({"match": dump_section(sel.match, ctx)})
        return out

    def schema(self):
        mac = MAC.schema()
        return {"type": "array", "minItems": 1, "items": {
            "description": "Picks exactly one physical NIC.",
            "oneOf": [
                {"type": "object", "additionalProperties": False, "required": ["name"],
                 "properties": {"name": {"type": "string", "maxLength": 15}, "mac": mac}},
                {"type": "object", "additionalProperties": False, "required": ["mac"], "properties": {"mac": mac}},
                {"type": "object", "additionalProperties": False, "required": ["match"],
                 "properties": {"match": section_schema(self.match)}},
            ],
        }}
