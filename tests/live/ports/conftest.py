"""The ports' daemon fixtures (Debian's snmpd, snmpsim's recorded switches)."""

from tests.ports.conftest import snmpd, switches

__all__ = ["snmpd", "switches"]
