"""hunnan-gk catalog: the proactive-disclosure catalogue (主动公开事项目录, work plan item 3)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable

import typer

from hunnan_gk.commands.common import (
    ClerkOption,
    ConfigOption,
    DbOption,
    JsonOption,
    format_option,
    on_option,
    output_format,
)
from hunnan_gk.safetext import visible

if TYPE_CHECKING:
    from hunnan_gk.catalogue import Catalogue, Checked

app = typer.Typer(
    help="主动公开事项目录：检查、导出、对比、导入、公开登记。",
    no_args_is_help=True,
)


PROBLEM_FORMATS = ("text", "json")
EXPORT_FORMATS = ("markdown", "html", "csv", "xlsx")


CatalogueArgument = Annotated[Path, typer.Argument(help="目录文件（YAML）", dir_okay=True)]


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="一个或多个目录文件（YAML）")],
    fmt: format_option(PROBLEM_FORMATS, "为 text：每行 路径:行:列: 级别 代码 消息") = None,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以退出码 1 结束")] = False,
    config: ConfigOption = None,
) -> None:
    """检查目录文件，一次列出全部错误和警告。

    每个问题一行：路径:行:列: 错误|警告 代码 消息。退出码：0 没有错误（警告不影响，除非 --strict），1 有错误。

    示例：hunnan-gk catalog validate catalogs/*.yaml --strict
    """
    from hunnan_gk.render import print_json

    chosen = output_format(fmt, None, PROBLEM_FORMATS)
    results = [check_catalogue(path, config) for path in paths]
    problems = [problem for checked in results for problem in checked.problems]
    errors = sum(len(checked.errors) for checked in results)
    warnings = len(problems) - errors
    items = sum(checked.item_count for checked in results)
    if chosen == "json":
        print_json(
            {
                "files": [str(path) for path in paths],
                "items": items,
                "problems": [problem.as_dict() for problem in problems],
            }
        )
    else:
        for problem in problems:
            typer.echo(visible(problem.as_text()))
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
    fmt: format_option(EXPORT_FORMATS, "按 -o 的扩展名") = None,
    config: ConfigOption = None,
) -> None:
    """导出供发布的目录：Markdown、HTML、CSV 或 xlsx。

    HTML 是单个自包含网页；CSV 为 utf-8-sig，Excel/WPS 可直接打开。目录有错误时拒绝导出并列出错误（退出码 1），不会留下半个文件。

    示例：hunnan-gk catalog export catalogs/hunnan-2024.yaml --format html -o 目录.html
    """
    from hunnan_gk.exports import atomic_write

    chosen = output_format(fmt, output, EXPORT_FORMATS)
    catalogue = load_catalogue(path, config)
    atomic_write(output, lambda target: _EXPORTERS[chosen](catalogue, target))
    typer.echo(f"已导出 {len(catalogue.items)} 个事项到 {output}（{chosen}）")


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
            typer.echo(visible(line))


@app.command("import")
def import_command(
    table: Annotated[Path, typer.Argument(help="发布的目录表格（.xlsx 或 .csv）", dir_okay=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的目录文件（YAML）", dir_okay=False)],
    name: Annotated[str | None, typer.Option("--name", help="目录名称（默认取表格的文件名）")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="编制单位")] = None,
    force: Annotated[bool, typer.Option("--force", help="输出文件已存在时覆盖它")] = False,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """把各单位发布的目录表格（xlsx/CSV）转换为目录 YAML，并列出无法对应的行和列。

    认得标准目录的表头：序号、一级事项/二级事项、公开内容（要素）、公开依据、公开时限、公开主体、公开渠道和载体（■/√/✓ 勾选列）、公开对象、公开方式、公开层级、责任科室/责任单位；合并的一级事项单元格按所跨的行展开。无法确定的内容不猜测，逐处列出（第几行、哪一列），写入后的 YAML 立即检查。

    示例：hunnan-gk catalog import 重大建设项目目录.xlsx -o catalogs/zdxm.yaml --unit 浑南区发展和改革局
    """
    from hunnan_gk.catalogue_import import catalogue_yaml, import_rows
    from hunnan_gk.errors import Refused
    from hunnan_gk.exports import atomic_write
    from hunnan_gk.sheets import read_sheet

    if output.exists() and not force:
        raise Refused(f"{output} 已存在，未覆盖", hint="换一个输出文件名，或加 --force 覆盖")
    sheet = read_sheet(table)
    imported = import_rows(sheet.rows, sheet.merges, spreadsheet=sheet.kind == "xlsx")
    if not imported.items:
        for note in imported.notes:
            typer.echo(note.as_text(), err=True)
        raise Refused(f"{table.name} 中没有可导入的事项，未写入 {output}")
    text = catalogue_yaml(imported, name=name or table.stem, unit=unit or "", source=table.name)
    atomic_write(output, lambda target: target.write_text(text, encoding="utf-8"))
    if json_output:
        from hunnan_gk.render import print_json

        checked = check_catalogue(output, config)
        return print_json({
            "source": str(table), "encoding": sheet.encoding, "output": str(output),
            "items": len(imported.items), "numbering": imported.numbering,
            "filled_down": list(imported.filled_down), "not_imported": [n.as_dict() for n in imported.notes],
            "problems": [p.as_dict() for p in checked.problems],
        })
    encoding = f"，{sheet.encoding}" if sheet.encoding else ""
    typer.echo(f"已从 {table.name}{encoding} 导入 {len(imported.items)} 个事项到 {output}。{imported.numbering}。")
    for line in imported.filled_down:
        typer.echo(f"注意：{line}")
    if imported.notes:
        typer.echo(f"未导入（{len(imported.notes)} 处，请对照原表补录）：")
        for note in imported.notes:
            typer.echo(f"  {note.as_text()}")
    checked = check_catalogue(output, config)
    for problem in checked.problems:
        typer.echo(problem.as_text())
    typer.echo(
        f"检查结果：{len(checked.errors)} 个错误，{len(checked.warnings)} 个警告"
        f"（修改后再运行 hunnan-gk catalog validate {output}）。"
    )


@app.command("publish")
def publish_command(
    path: CatalogueArgument,
    item_id: Annotated[str, typer.Argument(help="事项编号，如 HN-020")],
    formed: Annotated[str, typer.Option("--formed", help="信息形成（或变更）的日期")],
    on: on_option("公开日期（默认今天）") = None,
    url: Annotated[str | None, typer.Option("--url", help="发布页面的网址（http:// 或 https://）")] = None,
    title: Annotated[str | None, typer.Option("--title", help="发布信息的标题")] = None,
    clerk: ClerkOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """记录目录事项的一次公开，并判断是否在公开时限内。

    公开时限写作“信息形成（或变更）之日起N个工作日内”时按官方工作日历计算，“每年M月D日前”按当年日期，“N日内”按自然日；其他写法记为人工核对。

    示例：hunnan-gk catalog publish catalogs/hunnan-2024.yaml HN-020 --formed 2024-01-10 --on 2024-01-25 --url https://www.hunnan.gov.cn/nb/2023.html
    """
    from hunnan_gk import services
    from hunnan_gk.catalogue_publish import Publication, judgement_line
    from hunnan_gk.commands.common import Env, clerk_name
    from hunnan_gk.render import print_json

    env = Env(config, db)
    catalogue = load_catalogue(path, config)
    publication = Publication(item_id, env.date(formed, "--formed", past=True), env.date(on, "--on", past=True), url, title)
    result = services.publish_catalogue_item(
        env.db_path,
        catalogue,
        publication,
        clerk=clerk_name(clerk),
        at=env.now().isoformat(),
        today=env.today,
        calendar=env.calendar,
    )
    if json_output:
        print_json(result)
        return
    typer.echo(f"已记录：{result['id']} {result['name'] or ''}，{result['formed']} 形成，{result['published']} 公开。")
    typer.echo(judgement_line(result))


def build_catalogue_report(env, path: Path, as_of: str | None, config: Path | None = None) -> dict:
    """`report catalogue` for the file at `path` (refused with its problems when it has errors)."""
    from hunnan_gk import services

    catalogue = load_catalogue(path, config)
    day = env.date(as_of, "--as-of")
    return services.catalogue_report(env.open_db(), catalogue, calendar=env.calendar, as_of=day)


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
            typer.echo(visible(problem.as_text()), err=True)
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


_EXPORTERS: dict[str, Callable[["Catalogue", Path], None]] = {
    "markdown": _write_markdown,
    "html": _write_html,
    "csv": _write_csv,
    "xlsx": _write_xlsx,
}

