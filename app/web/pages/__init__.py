"""Own the server-rendered pages of the dashboard (one router per resource)."""
