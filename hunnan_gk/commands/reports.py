"""hunnan-gk report: 超期预警与年度报告。"""

from __future__ import annotations

import typer

app = typer.Typer(help="报告：超期预警、年度报告。", no_args_is_help=True)

from hunnan_gk.commands.annual import annual_command  # noqa: E402

app.command("annual")(annual_command)
