"""Studies: each a re-solve (or a sampling) of variants of the one model (PLAN.md)."""
