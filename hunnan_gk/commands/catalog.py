"""hunnan-gk catalog: the proactive-disclosure catalogue (主动公开事项目录, work plan item 3)."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable

import typer

from hunnan_gk.commands.common import SUFFIX_FORMATS, JsonOption

if TYPE_CHECKING:
    from hunnan_gk.catalogue import Catalogue, Checked

app = typer.Typer(
    help="主动公开事项目录：检查、JSON Schema、查看、导出发布、版本对比。",
    no_args_is_help=True,
)


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"


class ExportFormat(str, Enum):
    markdown = "markdown"
    html = "html"
    csv = "csv"
    xlsx = "xlsx"


CatalogueArgument = Annotated[Path, typer.Argument(help="目录文件（YAML）", dir_okay=True)]
# The config matters here only for its list of 领域 (catalogue_areas): a short help line.
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="HUNNAN_GK_CONFIG", help="配置文件（用其中的 catalogue_areas）", dir_okay=False),
]


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="一个或多个目录文件（YAML）")],
    output_format: Annotated[
        ProblemFormat, typer.Option("--format", help="输出格式：text（每行 路径:行:列: 级别 代码 消息）或 json")
    ] = ProblemFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以退出码 1 结束")] = False,
    config: ConfigOption = None,
) -> None:
    """检查目录文件，一次列出全部错误和警告。

    每个问题一行：路径:行:列: 错误|警告 代码 消息。退出码：0 没有错误（警告不影响，除非 --strict），1 有错误。

    示例：hunnan-gk catalog validate catalogs/*.yaml --strict
    """
    from hunnan_gk.render import print_json

    results = [check_catalogue(path, config) for path in paths]
    problems = [problem for checked in results for problem in checked.problems]
    errors = sum(len(checked.errors) for checked in results)
    warnings = len(problems) - errors
    items = sum(checked.item_count for checked in results)
    if output_format is ProblemFormat.json:
        print_json(
            {
                "files": [str(path) for path in paths],
                "items": items,
                "problems": [problem.as_dict() for problem in problems],
            }
        )
    else:
        for problem in problems:
            typer.echo(problem.as_text())
        typer.echo(
            f"检查了 {len(paths)} 个文件、{items} 个事项：{errors} 个错误，{warnings} 个警告。", err=True
        )
    if errors or (strict and warnings):
        raise typer.Exit(1)


@app.command("schema")
def schema_command() -> None:
    """输出目录格式的 JSON Schema（draft 2020-12）。

    编辑器（如 VS Code 的 YAML 扩展）据此补全和即时检查，见 docs/catalogue.md。

    示例：hunnan-gk catalog schema > catalog.schema.json
    """
    from hunnan_gk.catalogue import json_schema
    from hunnan_gk.render import print_json

    print_json(json_schema())


@app.command("show")
def show_command(path: CatalogueArgument, config: ConfigOption = None) -> None:
    """以表格显示目录（中文折行，不截断）。

    目录有错误时拒绝显示并列出错误（退出码 1）。

    示例：hunnan-gk catalog show catalogs/hunnan-2024.yaml
    """
    from hunnan_gk.render.catalogue import print_catalogue

    print_catalogue(load_catalogue(path, config))


@app.command("export")
def export_command(
    path: CatalogueArgument,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="输出文件；不写 --format 时按扩展名判断", dir_okay=False)
    ],
    export_format: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="markdown、 html（自包含网页）、 csv（Excel/WPS 可直接打开） 或 xlsx"),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """导出供发布的目录：Markdown、HTML、CSV 或 xlsx。

    HTML 是单个自包含网页；CSV 为 utf-8-sig，Excel/WPS 可直接打开。目录有错误时拒绝导出并列出错误（退出码 1），不会留下半个文件。

    示例：hunnan-gk catalog export catalogs/hunnan-2024.yaml --format html -o 目录.html
    """
    from hunnan_gk.errors import InputError
    from hunnan_gk.exports import atomic_write

    guessed = SUFFIX_FORMATS.get(output.suffix.lower())
    chosen = export_format or (ExportFormat(guessed) if guessed in ExportFormat.__members__ else None)
    if chosen is None:
        raise InputError(
            f"无法从文件名 {output.name} 判断导出格式",
            hint="请加 --format markdown|html|csv|xlsx，或用 .md/.html/.csv/.xlsx 作扩展名",
        )
    catalogue = load_catalogue(path, config)
    atomic_write(output, lambda target: _EXPORTERS[chosen](catalogue, target))
    typer.echo(f"已导出 {len(catalogue.items)} 个事项到 {output}（{chosen.value}）")


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="旧版目录文件")],
    new: Annotated[Path, typer.Argument(help="新版目录文件")],
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """对比两个版本的目录（动态更新）。

    按编号列出新增、删除的事项，以及修改了哪些要素、改前改后。

    示例：hunnan-gk catalog diff catalogs/hunnan-2023.yaml catalogs/hunnan-2024.yaml
    """
    from hunnan_gk.catalogue import diff_catalogues
    from hunnan_gk.render import print_json
    from hunnan_gk.render.catalogue import catalogue_diff_lines

    difference = diff_catalogues(load_catalogue(old, config), load_catalogue(new, config))
    if json_output:
        print_json(difference.as_dict())
    else:
        for line in catalogue_diff_lines(difference):
            typer.echo(line)


def check_catalogue(path: Path, config: Path | None = None) -> "Checked":
    """Check one file; its 领域 against the configured `catalogue_areas` when it declares none
    (the config is read only then, so a catalogue without 领域 checks as it always has)."""
    from hunnan_gk.catalogue import check_file

    checked = check_file(path)
    if checked.wants_area_list:
        from hunnan_gk.config import load_settings

        areas = load_settings(config).catalogue_areas
        if areas is not None:
            checked = check_file(path, areas=areas)
    return checked


def load_catalogue(path: Path, config: Path | None = None) -> "Catalogue":
    """A catalogue without errors (warnings allowed), or Refused with its problems listed."""
    from hunnan_gk.errors import Refused

    checked = check_catalogue(path, config)
    if checked.errors or checked.catalogue is None:
        for problem in checked.problems:
            typer.echo(problem.as_text(), err=True)
        raise Refused(
            f"目录 {path} 有 {len(checked.errors)} 个错误，请先修正",
            hint=f"hunnan-gk catalog validate {path}",
        )
    return checked.catalogue


def _write_markdown(catalogue: "Catalogue", target: Path) -> None:
    from hunnan_gk.render.catalogue import catalogue_markdown

    target.write_text(catalogue_markdown(catalogue), encoding="utf-8")


def _write_html(catalogue: "Catalogue", target: Path) -> None:
    from hunnan_gk.render.catalogue import catalogue_html

    target.write_text(catalogue_html(catalogue), encoding="utf-8")


def _write_csv(catalogue: "Catalogue", target: Path) -> None:
    from hunnan_gk.catalogue import published_rows
    from hunnan_gk.exports import write_csv_file

    write_csv_file(target, *published_rows(catalogue))


def _write_xlsx(catalogue: "Catalogue", target: Path) -> None:
    from hunnan_gk.render.catalogue import write_catalogue_xlsx

    write_catalogue_xlsx(catalogue, target)


_EXPORTERS: dict[ExportFormat, Callable[["Catalogue", Path], None]] = {
    ExportFormat.markdown: _write_markdown,
    ExportFormat.html: _write_html,
    ExportFormat.csv: _write_csv,
    ExportFormat.xlsx: _write_xlsx,
}

