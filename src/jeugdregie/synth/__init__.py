"""Synthetic region generator: genuine iJw 3.2 XML with a known ground truth (docs/synthetic-region.md).

``generate(out, scale=..., seed=...)`` simulates a region (``simulate.Region``), writes its messages
(``writer.write_region``) and ``ground_truth.json``; it never uses the reader in ``jeugdregie.ijw``.
"""

from __future__ import annotations

from jeugdregie.synth.generate import generate

__all__ = ["generate"]
