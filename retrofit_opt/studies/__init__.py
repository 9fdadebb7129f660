"""Studies: re-solves of variants of the one model (PLAN.md); one module per study."""
