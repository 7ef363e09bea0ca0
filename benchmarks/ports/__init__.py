"""Benchmark of the SNMP port poller against net-snmp's snmpbulkwalk (the floor)."""
