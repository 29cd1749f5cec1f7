"""Read state for many articles at once: a whole list, a feed, or IDs by the thousand.

Why not `StateMixin.set_read`: it checks and inserts one ID at a time, which
is right for a key press and wrong for "mark these 100,000 read". Here each
change is one SQL statement in one transaction, whatever the size: the IDs
travel as one JSON array (`json_each`), so no statement hits SQLite's limit on
bound parameters, and the `read` counter stays right because the per-row
triggers on `read_state` keep it (a statement fires them like single inserts).

Each call returns the IDs whose state it changed, so the caller can undo
exactly that and nothing else (the TUI's `u`, the CLI's `unread -`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from newsreader.model.library import ListQuery
from newsreader.store.db import Database, utc_now
from newsreader.store.listing import ROW_JOINS, where_clauses


class BulkResult(NamedTuple):
    """What a bulk change did: the IDs it changed (sorted) and the IDs it could not find."""

    changed: list[int]
    missing: list[int]


def _id_array(ids: Iterable[int]) -> tuple[list[int], str]:
    """The IDs once each, in the order given, and as the JSON array `json_each` reads."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    return wanted, json.dumps(wanted)


class BulkStateMixin(Database):
    """Mark a whole list, or many IDs, read or unread in one statement."""

    def mark_list_read(self, query: ListQuery, *, before: float | None = None) -> list[int]:
        """Mark every unread article of `query` read (only those dated before `before`,
        a Unix time compared with the list's date, when given); returns the IDs changed.

        `query.filter` narrows as the list does ("bookmarked": only bookmarked
        ones); "read" changes nothing, as every article it lists is read.
        """
        clauses, params = where_clauses(query)
        clauses.append("r.article_id IS NULL")
        if before is not None:
            clauses.append("a.sort_ts < ?")
            params.append(float(before))
        where = " AND ".join(clauses)
        with self._write() as db:
            rows = db.execute(
                "INSERT INTO read_state (article_id, read_at)"
                f" SELECT a.id, ? FROM articles a {ROW_JOINS} WHERE {where}"
                " RETURNING article_id",
                [utc_now(), *params],
            ).fetchall()
        return sorted(int(row[0]) for row in rows)

    def set_read_many(self, ids: Iterable[int], read: bool = True) -> BulkResult:
        """Mark many articles read or unread in one transaction.

        Unknown IDs are reported in `missing`, not raised: a script piping a
        list of IDs gets the rest done and the strays named. `changed` holds
        only the articles whose state really moved.
        """
        wanted, array = _id_array(ids)
        if not wanted:
            return BulkResult([], [])
        with self._write() as db:
            missing_rows = db.execute(
                "SELECT j.value FROM json_each(?) j"
                " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = j.value)",
                (array,),
            ).fetchall()
            if read:
                rows = db.execute(
                    "INSERT INTO read_state (article_id, read_at)"
                    " SELECT a.id, ? FROM articles a"
                    " WHERE a.id IN (SELECT value FROM json_each(?))"
                    " AND NOT EXISTS (SELECT 1 FROM read_state r WHERE r.article_id = a.id)"
                    " RETURNING article_id",
                    (utc_now(), array),
                ).fetchall()
            else:
                rows = db.execute(
                    "DELETE FROM read_state WHERE article_id IN (SELECT value FROM json_each(?))"
                    " RETURNING article_id",
                    (array,),
                ).fetchall()
        missing = {int(row[0]) for row in missing_rows}
        return BulkResult(sorted(int(row[0]) for row in rows), [i for i in wanted if i in missing])
