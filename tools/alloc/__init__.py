"""Own per-account allocation: mandate filters, ranking, sizing, brackets and card making."""
