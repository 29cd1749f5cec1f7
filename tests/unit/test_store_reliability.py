"""Reliability of the library file itself (#17): read-only media, privacy, OPML scale, full disks.

Everything here runs on real SQLite files under real conditions: read-only
bind mounts, immutable files (`chattr +i`) and small tmpfs file systems that
are really full. Those need root (or CAP_SYS_ADMIN); without it the tests
skip and say why.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from newsreader.errors import StoreError
from newsreader.parse.opml import Subscription, write_opml
from newsreader.services.importer import import_paths
from newsreader.store import Library
from real_media import (
    article,
    bookmark_then_get_killed,
    bookmarks,
    fill_disk,
    immutable,
    make_library,
    read_only_view,
    small_disk,
)

# -- 7: read-only libraries show what was committed -------------------------------


def test_read_only_media_shows_bookmarks_still_in_the_wal(tmp_path: Path) -> None:
    """A writer killed after 5 acknowledged bookmarks: a read-only open shows all 5."""
    source = tmp_path / "disk"
    ids = make_library(source / "library.sqlite3")
    bookmark_then_get_killed(source / "library.sqlite3", ids[:5])
    with (
        read_only_view(source, tmp_path / "ro") as media,
        Library(media / "library.sqlite3") as library,
    ):
        assert library.read_only
        assert bookmarks(library) == 5
        assert all(library.get(i).bookmarked for i in ids[:5])
        assert library.search("harbour")
        with pytest.raises(StoreError, match="read-only"):
            library.set_read([ids[0]])


def test_read_only_media_with_a_wal_but_no_shm_still_shows_it(tmp_path: Path) -> None:
    """Only the library and its -wal were copied to the read-only medium (no -shm to map)."""
    source = tmp_path / "disk"
    ids = make_library(source / "library.sqlite3")
    bookmark_then_get_killed(source / "library.sqlite3", ids[:5])
    source.joinpath("library.sqlite3-shm").unlink()
    with (
        read_only_view(source, tmp_path / "ro") as media,
        Library(media / "library.sqlite3") as library,
    ):
        assert library.read_only
        assert bookmarks(library) == 5
        assert library.count() == len(ids)
    assert sorted(p.name for p in source.iterdir()) == ["library.sqlite3", "library.sqlite3-wal"]


def test_read_only_media_without_a_wal_reads_the_file(tmp_path: Path) -> None:
    """A library closed cleanly (no -wal left) on read-only media reads, and refuses writes."""
    source = tmp_path / "disk"
    ids = make_library(source / "library.sqlite3")
    with Library(source / "library.sqlite3") as library:
        library.set_bookmarked(ids[:2])
    assert not source.joinpath("library.sqlite3-wal").exists()
    with (
        read_only_view(source, tmp_path / "ro") as media,
        Library(media / "library.sqlite3") as library,
    ):
        assert library.read_only and bookmarks(library) == 2
        with pytest.raises(StoreError, match="read-only") as info:
            library.add_article(article(99))
        assert str(media / "library.sqlite3") in str(info.value)


def test_immutable_library_file_shows_the_wal(tmp_path: Path) -> None:
    """An immutable library file (in a writable folder) is read with its WAL, not without."""
    path = tmp_path / "library.sqlite3"
    ids = make_library(path)
    bookmark_then_get_killed(path, ids[:5])
    with immutable(path), Library(path) as library:
        assert library.read_only
        assert bookmarks(library) == 5
        with pytest.raises(StoreError, match="read-only"):
            library.set_bookmarked([ids[6]])


def test_empty_read_only_library_opens(tmp_path: Path) -> None:
    source = tmp_path / "disk"
    Library(source / "library.sqlite3").close()
    with (
        read_only_view(source, tmp_path / "ro") as media,
        Library(media / "library.sqlite3") as library,
    ):
        assert library.read_only and library.is_empty()
        assert library.page() == [] and library.feeds() == []


# -- 9: the library is private to its user ----------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_library_is_private(tmp_path: Path) -> None:
    """A new data dir is 0700 and the database and its WAL files 0600, whatever the umask."""
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "library.sqlite3"
        with Library(path) as library:
            library.add_article(article(1))
            assert _mode(path.parent) == 0o700
            for name in ("library.sqlite3", "library.sqlite3-wal", "library.sqlite3-shm"):
                assert _mode(path.parent / name) == 0o600, name
    finally:
        os.umask(old)


def test_existing_library_is_tightened_on_open(tmp_path: Path) -> None:
    path = tmp_path / "data" / "library.sqlite3"
    make_library(path)
    path.parent.chmod(0o755)
    path.chmod(0o644)
    with Library(path):
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        assert _mode(path.with_name("library.sqlite3-wal")) == 0o600


def test_shared_folders_are_not_tightened(tmp_path: Path) -> None:
    """A library kept in a sticky shared folder (like /tmp) tightens its files, not the folder."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    with Library(shared / "library.sqlite3"):
        assert _mode(shared) == 0o1777
        assert _mode(shared / "library.sqlite3") == 0o600


# -- 10: OPML import is linear -------------------------------------------------------


def _opml(path: Path, count: int) -> Path:
    subs = [
        Subscription(f"https://feeds.example.com/{n}.xml", f"Feed {n}", [f"Folder {n % 7}"])
        for n in range(count)
    ]
    path.write_text(write_opml(subs), encoding="utf-8")
    return path


def _statements_to_import(tmp_path: Path, count: int) -> tuple[int, int]:
    """SQL statements run (counted by SQLite's trace hook) to import `count` outlines."""
    opml = _opml(tmp_path / f"subs-{count}.opml", count)
    with Library(tmp_path / f"library-{count}.sqlite3") as library:
        seen: list[str] = []
        library._db.set_trace_callback(seen.append)
        report = import_paths(library, [opml], workers=1)
        library._db.set_trace_callback(None)
        assert len(library.feeds()) == count
    assert sum(len(f.feeds_added) for f in report.files) == count
    return len(seen), count


def test_opml_import_runs_a_constant_number_of_statements_per_outline(tmp_path: Path) -> None:
    small, _ = _statements_to_import(tmp_path, 500)
    large, _ = _statements_to_import(tmp_path, 2000)
    assert large <= 4 * small + 20, (small, large)
    # A few statements per import are fixed costs (the transaction and its busy-timeout pragmas,
    # the bulk write's settings, and its checkpoint once enough rows changed: only the larger
    # import reaches that); what must not grow is the work per outline.
    fixed = 10
    assert large - small <= 3 * 1500 + fixed, f"{large - small} statements for 1,500 more outlines"


def test_opml_import_again_adds_tags_without_duplicates(tmp_path: Path) -> None:
    """Re-importing merges tags into the existing feeds in the same single pass."""
    opml = _opml(tmp_path / "subs.opml", 30)
    with Library(tmp_path / "library.sqlite3") as library:
        import_paths(library, [opml], workers=1)
        again = [
            Subscription(f"https://feeds.example.com/{n}.xml", "", ["Later"]) for n in range(30)
        ]
        opml.write_text(write_opml(again), encoding="utf-8")
        report = import_paths(library, [opml], workers=1)
        assert report.files[0].feeds_added == []
        feeds = library.feeds()
        assert len(feeds) == 30
        first = library.feed("https://feeds.example.com/1.xml")
        assert first.title == "Feed 1" and first.tags == ["Folder 1", "Later"]


def test_feeds_lists_counts_in_one_statement(tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite3") as library:
        feed_ids = [library.add_feed(f"https://f.example.com/{n}.xml")[0].id for n in range(50)]
        stored = library.record_fetch(feed_ids[3], articles=[article(n) for n in range(4)])
        library.set_read([stored[0].id])
        seen: list[str] = []
        library._db.set_trace_callback(seen.append)
        feeds = {feed.id: feed for feed in library.feeds()}
        library._db.set_trace_callback(None)
        assert len(seen) == 1, seen
        plan = library._read("EXPLAIN QUERY PLAN " + seen[0])
        assert not [row for row in plan if "CORRELATED" in row["detail"]], "per-feed subqueries"
        assert (feeds[feed_ids[3]].total, feeds[feed_ids[3]].unread) == (4, 3)
        assert (feeds[feed_ids[4]].total, feeds[feed_ids[4]].unread) == (0, 0)
        assert library.feed(feed_ids[3]).unread == 3
        library.remove_feed(feed_ids[3])
        assert library.count() == 4 and len(library.feeds()) == 49


# -- 11: a full disk leaves the library readable ------------------------------------


def test_full_disk_opens_read_only_and_says_disk_full(tmp_path: Path) -> None:
    with small_disk(tmp_path / "small") as disk:
        path = disk / "library.sqlite3"
        ids = make_library(path, count=40)
        with Library(path) as library:
            library.set_bookmarked(ids[:3])
        fill_disk(disk)
        started = time.monotonic()
        with Library(path) as library:
            assert library.read_only
            assert library.notice is not None and "disk full" in library.notice
            assert library.count() == 40 and bookmarks(library) == 3
            assert library.search("harbour") and library.get(ids[0]).bookmarked
            with pytest.raises(StoreError, match="disk full"):
                library.set_read([ids[0]])
        assert time.monotonic() - started < 10
        (disk / "filler").unlink()
        with Library(path) as library:
            assert not library.read_only and library.notice is None
            library.set_read([ids[0]])
            assert library.is_read(ids[0])


def test_full_disk_with_a_live_wal_still_shows_it(tmp_path: Path) -> None:
    """A writer killed with bookmarks in its WAL, then the disk filled: they still show.

    The killed writer's `-shm` is already big enough, so this open may even be
    read-write; either way it reads every acknowledged bookmark.
    """
    with small_disk(tmp_path / "small") as disk:
        path = disk / "library.sqlite3"
        ids = make_library(path, count=10)
        bookmark_then_get_killed(path, ids[:5])
        fill_disk(disk)
        with Library(path) as library:
            assert bookmarks(library) == 5
            with pytest.raises(StoreError, match="disk full"):
                library.add_articles(article(n, words=2000) for n in range(100, 140))


def test_private_copy_is_removed_on_close(tmp_path: Path) -> None:
    source = tmp_path / "disk"
    ids = make_library(source / "library.sqlite3")
    bookmark_then_get_killed(source / "library.sqlite3", ids[:2])
    source.joinpath("library.sqlite3-shm").unlink()
    with read_only_view(source, tmp_path / "ro") as media:
        library = Library(media / "library.sqlite3")
        copy = library._private_copy
        assert copy is not None and Path(copy.name).is_dir()
        assert bookmarks(library) == 2
        library.close()
        assert not Path(copy.name).exists()
    shutil.rmtree(source)
