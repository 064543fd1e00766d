"""hunnan-gk db: where the data lives, backups, and a health check."""

from pathlib import Path
from typing import Annotated

import typer

from hunnan_gk.commands.common import ConfigOption, DbOption, Env, JsonOption
from hunnan_gk.errors import os_reason
from hunnan_gk.render import print_json

app = typer.Typer(help="数据库：新建、路径、备份、完整性检查。", no_args_is_help=True)


@app.command("init")
def init_command(as_json: JsonOption = False, db: DbOption = None, config: ConfigOption = None) -> None:
    """新建数据库（权限 0600），并说明它在哪里；已存在时不做改动。

    其他命令只使用已有的数据库：--db 写错时报错，而不会另起一个空的记录。

    示例：hunnan-gk db init --db /srv/hunnan-gk/hunnan-gk.db
    """
    from hunnan_gk.storage.db import init_db, schema_version

    env = Env(config, db)
    database, created = init_db(env.db_path)
    version = schema_version(database)
    database.conn.close()
    if as_json:
        return print_json({"path": str(env.db_path), "created": created, "schema_version": version})
    if created:
        typer.echo(f"已新建数据库：{env.db_path}")
    else:
        typer.echo(f"数据库已存在，未新建：{env.db_path}（结构版本 {version}）")


@app.command("path")
def path_command(as_json: JsonOption = False, db: DbOption = None, config: ConfigOption = None) -> None:
    """显示正在使用的数据库文件路径。

    示例：hunnan-gk db path
    """
    path = Env(config, db).db_path
    if as_json:
        print_json({"path": str(path), "exists": path.exists()})
    else:
        typer.echo(str(path))


@app.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="备份文件路径", dir_okay=False)],
    as_json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """写出数据库的一致副本，其他人可同时继续办理。

    示例：hunnan-gk db backup /srv/backup/hunnan-gk-$(date +%F).db
    """
    from hunnan_gk.errors import DatabaseError, InputError, Refused
    from hunnan_gk.storage.db import backup

    env = Env(config, db)
    if not target.name or target.is_dir():
        raise InputError(f"备份文件路径“{target}”是一个目录，请写出文件名，如 {target / 'hunnan-gk-备份.db'}")
    if target.resolve() == env.db_path.resolve():
        raise DatabaseError("备份文件不能与数据库文件相同")
    database = env.open_db()
    try:
        backup(database, target)
    except OSError as exc:
        raise Refused(f"无法写入备份文件 {target}：{os_reason(exc)}") from None
    if as_json:
        print_json({"database": str(env.db_path), "backup": str(target), "bytes": target.stat().st_size})
    else:
        typer.echo(f"已备份到 {target}")


@app.command("check")
def check_command(as_json: JsonOption = False, db: DbOption = None, config: ConfigOption = None) -> None:
    """检查数据库完整性并核验审计链（适合断电后或 cron 中运行）。

    示例：hunnan-gk db check
    """
    from hunnan_gk.errors import DatabaseError
    from hunnan_gk.storage.audit import verify_audit
    from hunnan_gk.storage.db import integrity_problems

    from hunnan_gk.storage.assignments import stored_department_names
    from hunnan_gk.storage.reports import stored_organ_names

    env = Env(config, db)
    database = env.open_db()
    problems = integrity_problems(database)
    if problems:
        raise DatabaseError("完整性检查未通过：" + "；".join(problems[:5]))
    count, head = verify_audit(database)
    stored = stored_department_names(database)
    unknown = env.settings.directory.unknown(stored)
    organs = stored_organ_names(database)
    strange = env.settings.organs.unknown(organs)
    if as_json:
        return print_json({
            "integrity": "ok",
            "events": count,
            "head": head,
            "unknown_departments": [{"name": name, "requests": stored[name]} for name in unknown],
            "unknown_organs": [{"name": name, "requests": organs[name]} for name in strange],
        })
    typer.echo(f"完整性检查通过；审计链 {count} 条事件全部核验通过，链头 {head[:16]}")
    if unknown:
        listed = "、".join(f"{name}（{stored[name]} 处）" for name in unknown)
        typer.echo(f"注意：以下承办单位名称不在配置的 departments 中：{listed}")
        typer.echo("      用 hunnan-gk correct 编号 --field department --to 正确名称 --reason … 更正")
    if strange:  # each organ's annual report would leave these requests out (issue 14)
        listed = "、".join(f"{name}（{organs[name]} 件）" for name in strange)
        typer.echo(f"注意：以下答复机关不在配置的 organ、organs 中，各机关的年度报告不计入它们：{listed}")
        typer.echo("      用 hunnan-gk correct 编号 --field organ --to 正确名称 --reason … 更正")
