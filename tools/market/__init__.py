"""Own market data: the NSE calendar, instruments, importers, the simulator, replay and feeds."""
