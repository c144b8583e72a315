"""Own the EOD and monthly reports: figures from the store, Markdown, charts and PDF."""
