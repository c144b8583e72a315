"""Own the treasury: the capital ledger, deployable cash, the funding calendar and transfers."""
