"""``write_config``: all of ``rs build`` in one call, without the command line.

Run offline (``no_irr``, OpenBGPD so nothing asks ``bird --version``): the file is put in
place with the policy page and the build's figures; with no daemon installed it is written
and said unchecked; a policy, a version or a clients file that is wrong is one message and
no file; whatever fails after the text is written, no temporary file stays beside the
target. ``tests/routeserver/test_cli_build*.py`` run the same path through ``rs build``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lakou.routeserver import BuildRequest, ConfigNotWritten, write_config
from lakou.routeserver.config import Config

CLIENTS = (
    "clients:\n"
    "  - asn: 3333\n    ip: [192.0.2.11, '2001:db8::11']\n    description: RIPE NCC\n"
    "  - asn: 10745\n    ip: 192.0.2.22\n"
)


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    path = tmp_path / "clients.yml"
    path.write_text(CLIENTS, encoding="utf-8")
    return path


@pytest.fixture
def no_daemon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH where neither bird nor bgpd is found: the check cannot run."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def leftovers(directory: Path) -> list[Path]:
    return sorted(directory.glob(".*.tmp"))


def test_the_file_is_put_in_place_with_its_page_and_figures(
    tmp_path: Path, clients: Path, no_daemon: None
) -> None:
    out = tmp_path / "bgpd.conf"
    page = tmp_path / "policy.md"
    data = tmp_path / "data"
    request = BuildRequest(out, clients_file=clients, no_irr=True, page=page)
    written = write_config(Config(daemon="openbgpd"), data, request)
    text = out.read_text(encoding="utf-8")
    assert "neighbor 192.0.2.11" in text and "neighbor 192.0.2.22" in text
    assert written.path == out and written.result.daemon == "openbgpd"
    assert written.size == len(text.encode()) and written.result.text == text
    assert [c.asn for c in written.result.plan.clients] == [3333, 10745]
    assert written.checked is False  # asked, but bgpd is not on this PATH
    assert written.metrics_error is None
    figures = (data / "metrics" / "rs-build-bgpd.prom").read_text(encoding="utf-8")
    assert 'lakou_rs_build_clients{route_server="bgpd"} 2' in figures
    assert page.read_text(encoding="utf-8").startswith("# ")
    assert not leftovers(tmp_path)


def test_settings_fill_what_is_not_given(tmp_path: Path, clients: Path) -> None:
    out = tmp_path / "bgpd.conf"
    settings = Config(daemon="openbgpd", target_version="8.4")
    request = BuildRequest(out, clients_file=clients, no_irr=True, check=False)
    written = write_config(settings, tmp_path, request)
    assert (written.result.daemon, written.result.version) == ("openbgpd", (8, 4))
    assert written.checked is True  # not asked: nothing left unchecked to say
    given = write_config(settings, tmp_path, replace(request, target_version="7.9"))
    assert given.result.version == (7, 9)


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("policy_file", "policy.yml", "policy.yml"),
        ("target_version", "7.1", "OpenBGPD 7.7 or newer"),
    ],
)
def test_a_wrong_input_is_one_message_and_no_file(
    tmp_path: Path, clients: Path, option: str, value: str, said: str
) -> None:
    (tmp_path / "policy.yml").write_text("rpki: {enabled: maybe}\n", encoding="utf-8")
    out = tmp_path / "bgpd.conf"
    given: dict[str, Any] = {option: tmp_path / value if option == "policy_file" else value}
    request = BuildRequest(out, clients_file=clients, no_irr=True, check=False, **given)
    with pytest.raises(ConfigNotWritten) as caught:
        write_config(Config(daemon="openbgpd"), tmp_path, request)
    assert said in str(caught.value) and "\n" not in str(caught.value).strip()
    assert caught.value.problems == ()
    assert not out.exists() and not leftovers(tmp_path)


def test_a_clients_file_refused_names_the_entry(tmp_path: Path) -> None:
    clients = tmp_path / "clients.yml"
    clients.write_text("clients:\n  - asn: 1\n    ip: 192.0.2.1\n  - asn: 2\n    ip: 192.0.2.1\n")
    out = tmp_path / "bgpd.conf"
    request = BuildRequest(out, clients_file=clients, no_irr=True)
    with pytest.raises(ConfigNotWritten, match=r"clients\[1\] \(AS2\)\.ip\[0\]"):
        write_config(Config(daemon="openbgpd"), tmp_path, request)
    assert not out.exists()


def test_an_option_no_daemon_can_write_is_a_line_per_client(tmp_path: Path) -> None:
    clients = tmp_path / "clients.yml"
    clients.write_text(
        "clients:\n"
        "  - asn: 3333\n    ip: 192.0.2.11\n    cfg: {rfc8950: true}\n"
        "  - asn: 10745\n    ip: 192.0.2.22\n    cfg: {rfc8950: true}\n",
        encoding="utf-8",
    )
    out = tmp_path / "bgpd.conf"
    request = BuildRequest(out, clients_file=clients, no_irr=True)
    with pytest.raises(ConfigNotWritten) as caught:
        write_config(Config(daemon="openbgpd"), tmp_path, request)
    assert [line.split(":")[0] for line in caught.value.problems] == ["AS3333", "AS10745"]
    assert str(caught.value) == "no configuration written (2 problem(s) above)"
    assert not out.exists() and not leftovers(tmp_path)


def test_a_failure_after_the_text_is_written_leaves_no_temporary_file(
    tmp_path: Path, clients: Path
) -> None:
    out = tmp_path / "taken"
    out.mkdir()  # the text cannot be renamed over a directory
    request = BuildRequest(out, clients_file=clients, no_irr=True, check=False)
    with pytest.raises(OSError):
        write_config(Config(daemon="openbgpd"), tmp_path, request)
    assert out.is_dir() and not leftovers(tmp_path)
