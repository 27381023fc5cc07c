"""Meeting-pack benchmark: build time and peak memory for packs of about 10, 100 and 400 pages.

Run: .venv/bin/python tests/bench/bench_packs.py   (no services needed)

Each size runs in its own subprocess with a throwaway SQLite database and media folder, so the
peak resident memory (getrusage) belongs to that one build. The documents are generated with
WeasyPrint before the clock starts; the figure is governance.board.packs.meeting_pack_build alone:
front matter (WeasyPrint), merge and page stamps (pypdf), bookmarks, writing the file.
Printed beside a ceiling as a ratio (below 1.00 is within the ceiling). Nothing is asserted.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = [10, 100, 400]
PAGES_PER_DOCUMENT = 10
# Ceilings: time grows with pages (seconds = fixed + per page); memory should stay roughly flat.
CEILING_FIXED_S = 5.0
CEILING_PER_PAGE_S = 0.05
CEILING_RSS_MB = 500


def one(target_pages: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "vzhg.settings.test"
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    from demo.samples import sample_pdf
    from governance.board import documents as board_documents
    from governance.board import packs as board_packs
    from governance.models import AgendaItem, Body, Meeting

    body = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    meeting = Meeting.objects.create(
        body=body, title="Benchmark", starts_at=timezone.now() + timezone.timedelta(days=7)
    )
    documents = max(1, (target_pages - 3) // PAGES_PER_DOCUMENT)
    pages = min(PAGES_PER_DOCUMENT, max(1, target_pages - 3))
    content = sample_pdf(title="Bijlage", pages=pages)
    for n in range(1, documents + 1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=n,
            title=f"Agendapunt {n}",
            kind=AgendaItem.Kind.BESLUITVORMING,
            proposal=f"Voorstel {n}: het bestuur stemt in.",
        )
        board_documents.document_add(
            item=item, title=f"Bijlage {n}", uploaded=SimpleUploadedFile(f"b{n}.pdf", content)
        )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    pack = board_packs.meeting_pack_build(meeting_id=meeting.pk)
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert pack.status == "ready", pack.error
    return {
        "pages": pack.page_count,
        "documents": documents,
        "seconds": seconds,
        "peak_rss_mb": rss_after / 1024,
        "build_rss_growth_mb": (rss_after - rss_before) / 1024,
        "file_mb": pack.file.size / 1024 / 1024,
    }


def main() -> None:
    rows = []
    for size in SIZES:
        with tempfile.TemporaryDirectory(prefix="vzhg-bench-packs-") as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "DJANGO_MEDIA_ROOT": f"{tmp}/media",
                "CELERY_TASK_ALWAYS_EAGER": "true",
            }
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(size)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
    print("Meeting pack build (governance.board.packs.meeting_pack_build), one subprocess per size")
    header = (
        f"{'pages':>6} {'docs':>5} {'seconds':>8} {'s/page':>7} {'ceiling s':>9} {'ratio':>6} "
        f"{'peak RSS MB':>11} {'growth MB':>9} {'ceiling MB':>10} {'ratio':>6} {'file MB':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ceiling_s = CEILING_FIXED_S + CEILING_PER_PAGE_S * row["pages"]
        print(
            f"{row['pages']:>6} {row['documents']:>5} {row['seconds']:>8.2f} "
            f"{row['seconds'] / row['pages']:>7.3f} "
            f"{ceiling_s:>9.1f} {row['seconds'] / ceiling_s:>6.2f} {row['peak_rss_mb']:>11.0f} "
            f"{row['build_rss_growth_mb']:>9.0f} {CEILING_RSS_MB:>10} "
            f"{row['peak_rss_mb'] / CEILING_RSS_MB:>6.2f} {row['file_mb']:>7.2f}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"\nGrowth from {first['pages']} to {last['pages']} pages (x{last['pages'] / first['pages']:.0f}): "
        f"time x{last['seconds'] / first['seconds']:.1f}, "
        f"peak memory x{last['peak_rss_mb'] / first['peak_rss_mb']:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
    else:
        main()
