"""Studies: re-solves of variants of the one model (issue 12 layout)."""
