"""Risk: the pre-trade check, kill switches and the risk monitor loop."""
