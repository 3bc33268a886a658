"""Every change of a case goes through these services: one module per group of transitions, each
change audited with before/after and written to the shared timeline."""
