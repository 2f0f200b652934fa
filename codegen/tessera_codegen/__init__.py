"""Tessera's generator: system.yaml + interfaces/*.yaml -> headers, boot spec, graph."""
