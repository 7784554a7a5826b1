"""Export a programme's seminar pack to a folder:
`python -m scripts.export_seminar PROGRAMME OUT_DIR [--lang fi] [--position N] [--formats md,pdf]`.

PROGRAMME is the programme's id or a word of its name ("3W"). The folder gets the whole
pack in every format (`seminar.md`, `.html`, `.pdf`, `.pptx`, `.json`) and, under
`practices/`, each good practice on its own in the same formats. Everything is built as
of one event position, printed at the end and stated in every file: running the command
again with `--position` gives byte-identical files. Drafts and internal notes are never
exported. The server may keep running meanwhile.

The folder must be new or empty (`--replace` empties it first), so a practice retracted since
an earlier export never lingers beside the new pack.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from tqdm import tqdm

from api.app import VERSION
from documents import sources
from documents.render import filename, render
from domain.errors import DomainError
from present.i18n import LANGUAGES
from projections import programmes
from services.bootstrap import bootstrap
from services.settings import settings_or_complaint

FORMATS = ("md", "html", "pdf", "pptx", "json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kipina-export-seminar", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("programme", help="the programme's id, or a word of its name")
    parser.add_argument("out", type=Path, help="the folder to write to (created if missing)")
    parser.add_argument("--lang", choices=LANGUAGES, default="fi", help="language of headings (default fi)")
    parser.add_argument(
        "--position", type=_position, help="build as of this event position (default: newest)"
    )
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help=f"comma-separated, of {', '.join(FORMATS)}"
    )
    parser.add_argument("--replace", action="store_true", help="empty the folder first if it holds files")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        parser.error(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    if args.out.exists() and any(args.out.iterdir()):
        if not args.replace:
            print(
                f"{args.out} is not empty: choose a new folder, or add --replace to empty it first.",
                file=sys.stderr,
            )
            return 2
        shutil.rmtree(args.out)
    settings = settings_or_complaint()
    if settings is None:
        return 2
    services = bootstrap(settings)
    try:
        services.projector.catch_up()
        setting = sources.Setting(
            language=args.lang,
            zone=ZoneInfo(settings.timezone),
            people=services.people,
            kipina_version=VERSION,
        )
        with services.projector.engine.connect() as conn:
            programme_id = find_programme(conn, args.programme)
            position = sources.checked_position(conn, args.position)
            written = export(conn, programme_id, args.out, formats, position, setting, quiet=args.quiet)
    except (DomainError, sources.PositionNotRecorded, ProgrammeNotFound) as error:
        print(getattr(error, "detail", None) or str(error), file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Cannot write to {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    finally:
        services.close()
    print(f"Wrote {len(written)} files to {args.out}, built from event position {position}.")
    return 0


class ProgrammeNotFound(Exception):
    """The words given name no programme, or more than one."""


def _position(text: str) -> int:
    position = int(text)
    if position < 1:
        raise argparse.ArgumentTypeError("event positions start at 1")
    return position


def find_programme(conn: Connection, wanted: str) -> UUID:
    """A programme by id, or the one programme whose name contains the word."""
    try:
        return UUID(wanted)
    except ValueError:
        pass
    matches, _cursor = programmes.search(conn, text=wanted, limit=10)
    if len(matches) != 1:
        found = "; ".join(p["name"] for p in matches) or "none"
        raise ProgrammeNotFound(f'"{wanted}" should name exactly one programme; it matches: {found}.')
    return UUID(matches[0]["id"])


def export(
    conn: Connection,
    programme_id: UUID,
    out: Path,
    formats: list[str],
    position: int,
    setting: sources.Setting,
    *,
    quiet: bool = False,
) -> list[Path]:
    """Write the pack and each practice in every format; returns the files written."""
    pack = sources.seminar_document(conn, programme_id, position=position, setting=setting)
    singles = [sources.single_document(conn, section, position, setting) for section in pack.practices]
    (out / "practices").mkdir(parents=True, exist_ok=True)
    jobs = [(pack, fmt, out) for fmt in formats]
    jobs += [(single, fmt, out / "practices") for single in singles for fmt in formats]
    written: list[Path] = []
    with tqdm(total=len(jobs), unit="files", disable=quiet, file=sys.stderr) as bar:
        for document, fmt, folder in jobs:
            bar.set_description(f"{fmt:>4} {document.title[:40]}")
            content, _media_type = render(document, fmt)
            name = "seminar." + fmt if document is pack else filename(document, fmt)
            if folder / name in written:  # two practices of the same name: tell them apart by id
                name = f"{Path(name).stem}-{document.practices[0].practice_id[:8]}.{fmt}"
            path = folder / name
            path.write_bytes(content)
            written.append(path)
            bar.update(1)
    return written


if __name__ == "__main__":
    raise SystemExit(main())
