"""Own the `desk` command line: the root typer app and the registration of every sub-command."""

from __future__ import annotations

import typer

from app import (
    cli_cards,
    cli_core,
    cli_data,
    cli_execution,
    cli_features,
    cli_ingest,
    cli_reports,
    cli_signals,
    cli_treasury,
)

app = typer.Typer(name="desk", help="desk: a multi-account AI trading desk for Indian equities.",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
cli_core.register(app)
cli_cards.register(app)
app.add_typer(cli_reports.cli, name="report")
app.add_typer(cli_features.cli, name="features")
app.add_typer(cli_data.cli, name="data")
app.add_typer(cli_treasury.cli, name="treasury")
app.add_typer(cli_ingest.cli, name="ingest")
app.add_typer(cli_ingest.eval_cli, name="eval")
cli_signals.register(app)
cli_execution.register(app)


def main() -> None:
    """Entry point of the `desk` console script."""
    app()


if __name__ == "__main__":
    main()
