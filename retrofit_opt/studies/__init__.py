"""Studies: re-solves of variants of the one model, and how many of them run at once."""
