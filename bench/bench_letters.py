"""Benchmark: award letters per second per worker process, against a bare WeasyPrint render.

Renders letters through the production path (``letter_context`` + ``render_award_letter_html``
+ ``render_pdf`` with the process's cached FontConfiguration and parsed stylesheet) and,
interleaved in the same run, a bare WeasyPrint render of the *same HTML* the way a naive
implementation would write it (a fresh FontConfiguration and a freshly parsed stylesheet
for every letter, same PDF options).  Reports ms per letter, letters per second and the
ratio ours / bare (target: at most 1.25).

Self-contained: awards are unsaved in-memory model instances, so no database is needed.

    .venv/bin/python bench/bench_letters.py              # 5 warm-up + 50 measured letters
    .venv/bin/python bench/bench_letters.py --smoke      # a few letters, for CI
    .venv/bin/python bench/bench_letters.py --kind loan -n 20

Exit status is 0 whatever the ratio (timings are reported, never asserted); with
``--check`` it is 1 when the ratio exceeds the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpa_funding.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from applications.models import Application, FundingOpportunity, Mineral, Project  # noqa: E402
from awards import letters  # noqa: E402
from awards.models import Award, LoanTerms  # noqa: E402

TARGET_RATIO = 1.25


def build_award(kind: str, n: int) -> Award:
    """An unsaved award (and everything the letter reads), built without touching the DB."""
    org = Organization(
        legal_name=f"Sierra Critical Metals {n} LLC", uei="ZABCDEFGH123", ein="123456789",
        naics_code="212290", address_line1="100 Mine Road", city="Elko", state="NV",
        postal_code="89801", congressional_district="NV-002",
    )
    project = Project(pk=n + 1, organization=org, name=f"Elko Antimony Mill {n}",
                      facility_type="processing", stage="construction", state="NV", county="Elko")
    # Prefetched minerals: .all() reads this list instead of querying.
    project._prefetched_objects_cache = {"minerals": [
        Mineral(name="Antimony", symbol="Sb"), Mineral(name="Tungsten", symbol="W")]}
    opportunity = FundingOpportunity(number="FA8650-26-S-0001", title="Critical minerals")
    application = Application(opportunity=opportunity, organization=org, project=project,
                              title="Domestic antimony trisulfide capacity",
                              instrument="loan" if kind == "loan" else "grant")
    officer = User(username="officer", first_name="Dana", last_name="Whitfield",
                   email="dana.whitfield@example.gov", job_title="Grants Officer")
    now = timezone.now()
    award = Award(
        application=application, award_number=f"DPA3-FY26-{n + 1:04d}", fiscal_year=2026,
        sequence=n + 1, instrument=application.instrument,
        federal_amount=Decimal("25000000.00"), cost_share_amount=Decimal("18500000.00"),
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2028, 12, 31),
        conditions=[
            "Quarterly progress reports are due 30 days after each quarter.",
            "The recipient shall maintain domestic production for five years after the period of performance.",
            "Environmental permits must be in place before construction funds are drawn.",
        ],
        terms_version=1, issued_by=officer, issued_at=now,
        acceptance_due_at=now + dt.timedelta(days=30),
    )
    if kind == "loan":
        award.loan = LoanTerms(
            principal=Decimal("25000000.00"), annual_rate_percent=Decimal("4.2500"),
            term_months=120, grace_months=12, payment_frequency="monthly",
            first_payment_date=dt.date(2027, 1, 31),
        )
    return award


def render_ours(award: Award) -> bytes:
    return letters.render_pdf(letters.render_award_letter_html(award))


def render_bare(html: str) -> bytes:
    """What a straightforward implementation does for each letter."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    stylesheet_path = letters.letter_stylesheet_path()
    font_config = FontConfiguration()
    css = CSS(filename=str(stylesheet_path), font_config=font_config)
    return HTML(string=html, base_url=str(stylesheet_path.parent)).write_pdf(
        stylesheets=[css], font_config=font_config,
        pdf_variant=settings.LETTER_PDF_VARIANT, pdf_tags=True,
    )


_WARM: dict = {}


def render_bare_warm(html: str) -> bytes:
    """The floor: WeasyPrint alone on the same HTML, with one FontConfiguration and one parsed
    stylesheet kept for the whole run (what ours also does), and no template or context work.
    ours / this ratio is our real overhead over WeasyPrint."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    stylesheet_path = letters.letter_stylesheet_path()
    if not _WARM:
        _WARM["fonts"] = FontConfiguration()
        _WARM["css"] = CSS(filename=str(stylesheet_path), font_config=_WARM["fonts"])
    return HTML(string=html, base_url=str(stylesheet_path.parent)).write_pdf(
        stylesheets=[_WARM["css"]], font_config=_WARM["fonts"],
        pdf_variant=settings.LETTER_PDF_VARIANT, pdf_tags=True,
    )


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    pdf = fn(*args)
    elapsed = time.perf_counter() - start
    assert pdf[:5] == b"%PDF-", "renderer did not produce a PDF"
    return elapsed * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="letters measured per renderer")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--kind", choices=["mixed", "grant", "loan"], default="mixed",
                        help="mixed alternates grant and 120-month loan letters")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI (n=4, warmup=1)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if ratio > {TARGET_RATIO}")
    parser.add_argument("--json", action="store_true", help="also print a JSON summary line")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n, args.warmup = 4, 1
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    kinds = ["grant", "loan"] if args.kind == "mixed" else [args.kind]
    awards = [build_award(kinds[i % len(kinds)], i) for i in range(args.n + args.warmup)]
    harfbuzz_problem = letters.harfbuzz_subset_problem()

    ours_ms: list[float] = []
    bare_ms: list[float] = []
    warm_ms: list[float] = []
    setup_start = time.perf_counter()
    letters.reset_renderer()
    letters.get_renderer()
    setup_ms = (time.perf_counter() - setup_start) * 1000
    for i, award in enumerate(awards):
        html = letters.render_award_letter_html(award)
        # Interleave, alternating which goes first, so drift and caches hit both alike.
        if i % 2:
            o = _timed(render_ours, award)
            b = _timed(render_bare, html)
        else:
            b = _timed(render_bare, html)
            o = _timed(render_ours, award)
        w = _timed(render_bare_warm, html)
        if i >= args.warmup:
            ours_ms.append(o)
            bare_ms.append(b)
            warm_ms.append(w)

    ours_mean, bare_mean = statistics.fmean(ours_ms), statistics.fmean(bare_ms)
    ratio = ours_mean / bare_mean
    warm_mean = statistics.fmean(warm_ms)
    warm_ratio = ours_mean / warm_mean
    summary = {
        "letters": len(ours_ms), "kind": args.kind, "warmup": args.warmup, "pid": os.getpid(),
        "harfbuzz_subset": harfbuzz_problem is None,
        "renderer_setup_ms": round(setup_ms, 1),
        "ours_ms_per_letter": round(ours_mean, 1), "ours_ms_median": round(statistics.median(ours_ms), 1),
        "ours_letters_per_s": round(1000 / ours_mean, 2),
        "bare_ms_per_letter": round(bare_mean, 1), "bare_ms_median": round(statistics.median(bare_ms), 1),
        "bare_letters_per_s": round(1000 / bare_mean, 2),
        "ratio_ours_to_bare": round(ratio, 3), "target_ratio": TARGET_RATIO,
        "bare_warm_ms_per_letter": round(warm_mean, 1),
        "ratio_ours_to_bare_warm": round(warm_ratio, 3),
    }
    print(f"award letters ({args.kind}, {len(ours_ms)} measured after {args.warmup} warm-up, "
          f"one process, pid {os.getpid()})")
    print(f"  HarfBuzz subsetting: {'yes' if harfbuzz_problem is None else 'NO - ' + harfbuzz_problem}")
    print(f"  renderer set-up (once per process): {setup_ms:.1f} ms")
    print(f"  ours: {ours_mean:7.1f} ms/letter (median {summary['ours_ms_median']:.1f})"
          f"  {1000 / ours_mean:6.2f} letters/s")
    print(f"  bare: {bare_mean:7.1f} ms/letter (median {summary['bare_ms_median']:.1f})"
          f"  {1000 / bare_mean:6.2f} letters/s")
    print(f"  bare, warm (fonts and stylesheet reused, no template): {warm_mean:7.1f} ms/letter")
    verdict = "within" if ratio <= TARGET_RATIO else "ABOVE"
    print(f"  ratio ours/bare: {ratio:.3f} ({verdict} target {TARGET_RATIO})")
    print(f"  ratio ours/bare-warm (our overhead over WeasyPrint itself): {warm_ratio:.3f}")
    if args.json:
        print(json.dumps(summary))
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
