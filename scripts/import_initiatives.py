"""Import initiatives from a CSV file: `python -m scripts.import_initiatives FILE`.

The file: a header row naming the columns in Finnish, Swedish or English (title, summary,
organisation, unit, owner, themes, status, start date, and an optional id), UTF-8 with or
without BOM, comma, semicolon or tab delimited. Valid rows are recorded once even when the
same file is imported again (the key: the id cell, else the organisation and the title);
rejected rows are listed with their line numbers (the header is line 1) and reasons, and
record nothing. The file is streamed, with a progress bar; the server may keep running.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tqdm import tqdm

from domain.errors import DomainError
from services.bootstrap import bootstrap
from services.initiative_import import BATCH_SIZE, ImportReport, import_initiatives
from services.pledge_import import scan, text_lines
from services.settings import settings_or_complaint

REJECTIONS_SHOWN = 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kipina-import-initiatives", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("file", type=Path, help="the CSV file")
    parser.add_argument(
        "--batch-size", type=int, default=BATCH_SIZE, help="initiatives saved per transaction"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = settings_or_complaint()
    if settings is None:
        return 2
    services = bootstrap(settings)
    started = time.perf_counter()
    try:
        with args.file.open("rb") as binary:
            total = scan(binary)
            with tqdm(total=total, unit="lines", disable=args.quiet, file=sys.stderr) as bar:
                report = import_initiatives(
                    services,
                    services.local_actor_id,
                    text_lines(binary),
                    batch_size=max(1, args.batch_size),
                    on_rows=lambda line: bar.update(line - bar.n),
                )
                bar.update(total - bar.n)
    except OSError as error:
        print(f"Cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(error.detail, file=sys.stderr)
        return 1
    finally:
        services.close()
    print(summary(report, time.perf_counter() - started))
    return 0 if report.rejected_count == 0 else 1


def summary(report: ImportReport, seconds: float) -> str:
    lines = [
        f"Imported {report.imported} initiatives, {report.already_imported} already imported, "
        f"{report.rejected_count} rejected, in {seconds:.1f} s."
    ]
    for row in report.rejected[:REJECTIONS_SHOWN]:
        lines.append(f"  line {row.line}: {' '.join(row.reasons)}")
    if report.rejected_count > REJECTIONS_SHOWN:
        lines.append(f"  … and {report.rejected_count - REJECTIONS_SHOWN} more rejected lines.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
