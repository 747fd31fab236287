"""No input ever produces a traceback or a partial file (hypothesis)."""

import string

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from tui.importers.kernel_cmdline import parse
from tui.model.load import load_data, load_text
from tui.model.validate import validate
from tui.render.node import render_node

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["ens5", "10.0.0.1", "10.0.0.5/24", "static", "dhcp", "802.3ad", "create",
                                           "b8:ca:3a:6a:64:7e", "v1.0", "v1.6"]),
)
keys = st.sampled_from([
    "version", "harvester", "node", "management", "vlan", "networks", "install", "cluster", "interfaces", "name", "mac",
    "match", "bond", "mode", "options", "vlan_id", "mtu", "ipv4", "method", "address", "gateway", "hostname", "dns",
    "route", "cidr", "token", "vip", "extra", "settings", "driver", "min_speed", "lacp_rate", "primary", "bogus",
])
trees = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=4),
                                                         st.dictionaries(keys, children, max_size=6)), max_leaves=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, trees, max_size=8))
def test_any_structure_loads_validates_and_renders_without_exceptions(data):
    data.setdefault("version", 1)
    loaded = load_data(data)
    problems = validate(loaded)
    for p in problems:
        assert p.message and isinstance(p.path, str)
    for fmt in ("harvester", "nm-keyfiles", "cmdline"):
        result = render_node(loaded, None, fmt)
        assert result.ok or not result.files


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_binary_garbage(raw):
    loaded = load_text(raw)
    validate(loaded)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable + "äß\u2028", max_size=300))
def test_text_garbage(text):
    loaded = load_text(text)
    validate(loaded)


cmd_tokens = st.one_of(
    st.sampled_from([
        "harvester.install.management_interface.interfaces=", "harvester.install.mode=create",
        "harvester.scheme_version=",
        "harvester.install=x", 'harvester.os.hostname="a b"', '"', "harvester", "harvester.", "=", "harvester.a.b.c=d",
        "harvester.install.management_interface.interfaces=hwAddr:",
        "harvester.install.networks.harvester-mgmt.interfaces=:",
    ]),
    st.text(alphabet=string.printable, max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cmd_tokens, max_size=12))
def test_hostile_kernel_command_lines(tokens):
    line = " ".join(tokens)
    data, problems = parse(line)
    assert isinstance(data, dict)
    r = run_cli("cmdline", f"--cmdline={line}", "--json")
    assert r.code in (0, 1) and "Traceback" not in r.err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, trees, max_size=6))
def test_cli_render_never_leaves_a_partial_file(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("fz")
    profile = d / "p.yaml"
    profile.write_text(yaml.safe_dump({"version": 1, **data}))
    out = d / "out.yaml"
    r = run_cli("render", str(profile), "-o", str(out))
    assert "Traceback" not in r.err and r.code in (0, 1)
    assert out.exists() == (r.code == 0)
    assert sorted(p.name for p in d.iterdir()) == (["out.yaml", "p.yaml"] if r.code == 0 else ["p.yaml"])


def _both_loaders(text: str):
    """(libyaml result, pure-Python result); each the documents or 'error'."""
    from tui.model.yamlsafe import FAST, _NoAliasLoader

    out = []
    for loader in (FAST, _NoAliasLoader):
        try:
            out.append(list(yaml.load_all(text, Loader=loader)))
        except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
            out.append("error")
    return out


yaml_ish = st.text(alphabet=" \n-:,[]{}#'\"!|>?%@`.0123456789abcdeyxnoTFNul\\\r", max_size=120)


@settings(max_examples=800, deadline=None)
@given(st.one_of(yaml_ish.map(lambda t: ("text", t)),
                 st.dictionaries(keys, trees, max_size=8).map(lambda d: ("dumped", yaml.safe_dump(d,
                                                                                                  sort_keys=False)))))
def test_libyaml_fast_path_reads_what_the_pure_loader_reads(case):
    """yamlsafe parses alias-free text with libyaml: where both loaders read the text they
    must build the same data, and both read every dumped structure. (libyaml is laxer on a
    few malformed texts such as '>#'; what it reads still goes through validation, and its
    errors through the pure loader.)"""
    kind, text = case
    if any(c in text for c in "&*!\t"):  # these go to the pure loader
        return
    fast, pure = _both_loaders(text)
    if kind == "dumped":
        assert "error" not in (fast, pure), text
    if "error" not in (fast, pure):
        assert fast == pure or (fast != fast and pure != pure), text  # NaN != NaN


def go_parse_mac(text: str) -> str | None:
    """Go's net.ParseMAC (src/net/mac.go), written out here for 48-bit addresses: six groups of two hex
    digits joined by ':' or '-', or three groups of four joined by '.'. Independent of our code."""
    hexdigits = set("0123456789abcdefABCDEF")
    if len(text) == 17 and text[2] in ":-":
        groups = text.split(text[2])
        if len(groups) == 6 and all(len(g) == 2 and set(g) <= hexdigits for g in groups):
            return ":".join(groups).lower()
    if len(text) == 14 and text[4] == ".":
        groups = text.split(".")
        if len(groups) == 3 and all(len(g) == 4 and set(g) <= hexdigits for g in groups):
            joined = "".join(groups).lower()
            return ":".join(joined[i:i + 2] for i in range(0, 12, 2))
    return None


@pytest.mark.parametrize("text, expected", [  # the examples of Go's net.ParseMAC documentation and its tests
    ("00:00:5e:00:53:01", "00:00:5e:00:53:01"),
    ("00-00-5e-00-53-01", "00:00:5e:00:53:01"),
    ("0000.5e00.5301", "00:00:5e:00:53:01"),
    ("AB:CD:EF:01:23:45", "ab:cd:ef:01:23:45"),
    ("00:00:5e:00:53", None),
    ("00:00:5e:00:53:01:02", None),
    ("00:00:5e-00:53:01", None),
    ("0:0:5e:0:53:1", None),
    ("00005e005301", None),
    ("0000.5e00.530", None),
    ("00:00:5g:00:53:01", None),
])
def test_the_go_oracle_reads_what_go_reads(text, expected):
    assert go_parse_mac(text) == expected


def _two_hex():
    return st.text(alphabet="0123456789abcdefABCDEF", min_size=2, max_size=2)


go_macs = st.one_of(
    st.tuples(st.lists(_two_hex(), min_size=6, max_size=6), st.sampled_from(":-")).map(lambda t: t[1].join(t[0])),
    st.lists(st.text(alphabet="0123456789abcdefABCDEF", min_size=4, max_size=4), min_size=3, max_size=3).map(".".join),
)
mac_ish = st.one_of(
    go_macs,
    go_macs.map(lambda m: f" {m}\n"),
    st.lists(st.text(alphabet="0123456789abcdefABCDEF", min_size=1, max_size=4), min_size=2, max_size=7).flatmap(
        lambda groups: st.sampled_from(":-.").map(lambda sep: sep.join(groups))),
    st.text(alphabet="0123456789abcdefABCDEF:-. \n", max_size=20),
)


@settings(max_examples=1000, deadline=None)
@given(mac_ish)
def test_mac_spellings_against_go_and_netaddr(text):
    """Two oracles, neither knowing our regexes: every MAC Go's net.ParseMAC reads (what Harvester's
    Go code accepts) is read, to the same address; and whatever we read, netaddr reads as that address."""
    from netaddr import EUI, mac_unix_expanded
    from netaddr.core import AddrFormatError

    from tui.model.formats import normalize_mac

    got = normalize_mac(text)
    go = go_parse_mac(text.strip())
    if go is not None:
        assert got == go, text
    if got is not None:
        try:
            eui = EUI(text.strip(), dialect=mac_unix_expanded)
        except (AddrFormatError, ValueError, TypeError):
            raise AssertionError(f"{text!r} read as {got}, but netaddr reads no MAC there") from None
        assert eui.version == 48 and str(eui).lower() == got, text


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
              st.text(max_size=30), st.sampled_from(["yes", "no", "on", "~", "null", "1e3", "0x1F", "010", "1:20",
                                                     "- a", "a: b", "#x", "'q'", '"d"', "a\nb\n", "  lead", "trail ",
                                                     "10.0.0.1/24", "$6$salt$hash", "*", "&a", "!t", "@x", "%y",
                                                     "`z"])),
    lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(max_size=8), c, max_size=5)),
    max_leaves=30)


@settings(max_examples=800, deadline=None)
@given(st.one_of(yaml_values, st.dictionaries(st.text(max_size=8), yaml_values, min_size=1, max_size=6)))
def test_yaml_block_writer_is_byte_identical_to_pyyaml(data):
    """dump() lays out plain mappings itself, asking PyYAML only how to spell each string;
    the result is byte-identical to PyYAML's, and reads back as the same data."""
    from tui.render.yaml_out import _Unsupported, _block, _generic, dump

    expected = _generic(data)
    if isinstance(data, dict) and data:
        try:
            assert _block(data) == expected
        except _Unsupported:  # multi-line or long strings: PyYAML writes the whole document
            pass
    text = dump(data)
    assert text == expected
    assert yaml.safe_load(text) == data
