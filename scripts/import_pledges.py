"""Import Change Day pledges from a CSV file: `python -m scripts.import_pledges CAMPAIGN_ID FILE`.

The file: a header row naming the columns (text, person_email or team,
organisation, unit, category, and an optional id), UTF-8 with or without BOM,
comma or semicolon delimited. Valid rows are recorded once even when the same
file is imported again; rejected rows are listed with their line numbers (the
header is line 1) and reasons, and record nothing. The file is streamed: memory
stays flat however many rows it has. The server may keep running meanwhile.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from uuid import UUID

from tqdm import tqdm

from domain.errors import DomainError
from present.pledge_import import api_reason
from services.bootstrap import bootstrap
from services.pledge_import import BATCH_SIZE, ImportReport, import_pledges, scan, text_lines
from services.settings import settings_or_complaint

REJECTIONS_SHOWN = 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kipina-import-pledges", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("campaign_id", type=UUID, help="the campaign's id")
    parser.add_argument("file", type=Path, help="the CSV file")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="pledges saved per transaction")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = settings_or_complaint()
    if settings is None:
        return 2
    services = bootstrap(settings)
    started = time.perf_counter()
    try:
        services.app.get_campaign(args.campaign_id)
        with args.file.open("rb") as binary:
            total = scan(binary)
            with tqdm(total=total, unit="lines", disable=args.quiet, file=sys.stderr) as bar:
                report = import_pledges(
                    services,
                    services.local_actor_id,
                    args.campaign_id,
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
        f"Imported {report.imported} pledges, {report.already_imported} already imported, "
        f"{report.rejected_count} rejected, in {seconds:.1f} s."
    ]
    reason = api_reason("en")  # a category refused is answered with every code and its name
    for row in report.rejected[:REJECTIONS_SHOWN]:
        lines.append(f"  line {row.line}: {' '.join(reason(e) for e in row.errors)}")
    if report.rejected_count > REJECTIONS_SHOWN:
        lines.append(f"  … and {report.rejected_count - REJECTIONS_SHOWN} more rejected lines.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
