"""The catalogue's publication log (issue 17): which item's information, formed (or changed) on
one day, was published on another. Rows are only added."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


from hunnan_gk.storage.db import dict_rows, insert, write

if TYPE_CHECKING:  # sqlite-utils loads only where a command needs it (storage.db)
    import sqlite_utils

PUBLICATION_COLUMNS = (
    "catalogue", "unit", "item_id", "item_name", "formed_on", "published_on", "url", "title", "clerk", "recorded_at",
)


def record_publication(db: sqlite_utils.Database, row: dict[str, Any]) -> int | None:
    """Add one publication of a catalogue item; None (nothing added) when the same item,
    formation day, publication day and address are already recorded."""
    with write(db):
        repeated = db.execute(
            """
            SELECT id FROM catalogue_publications
            WHERE catalogue = ? AND unit = ? AND item_id = ? AND formed_on = ? AND published_on = ?
              AND coalesce(url, '') = coalesce(?, '')
            """,
            [row["catalogue"], row["unit"], row["item_id"], row["formed_on"], row["published_on"], row.get("url")],
        ).fetchone()
        if repeated:
            return None
        return insert(db, "catalogue_publications", {column: row.get(column) for column in PUBLICATION_COLUMNS})


def catalogue_publications(db: sqlite_utils.Database, catalogue: str, unit: str) -> list[dict[str, Any]]:
    """Every recorded publication of one catalogue's items (named by 名称 and 编制单位), oldest first."""
    return dict_rows(
        db.execute(
            """
            SELECT id, item_id, item_name, formed_on, published_on, url, title, clerk, recorded_at
            FROM catalogue_publications WHERE catalogue = ? AND unit = ?
            ORDER BY published_on, formed_on, id
            """,
            [catalogue, unit],
        )
    )
