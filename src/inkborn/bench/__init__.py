"""Benchmarks, run as `inkborn bench ...`: they print figures and write JSON; tests never time anything."""
