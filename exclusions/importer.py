"""Import of the SAM.gov Exclusions Public Extract.

Real extracts hold about 150,000 rows, so the file is streamed (never read whole into
memory) and bulk-loaded with PostgreSQL ``COPY ... FROM STDIN`` through psycopg's copy
protocol, in the same transaction that records the import. Columns are matched by header
name (SAM has reordered them and added "Open Data Flag" over the years); unknown columns
are ignored. A file whose sha256 was already imported is not imported again, so the command
and the scheduled folder job are idempotent. Records of superseded extracts are deleted
once the new one is in (the extract rows stay: older checks name them).
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from audit.services import audit_event

from .choices import ExtractSource
from .models import SamExclusion, SamExtract
from .names import normalize_name

# Serializes imports: two at once would both see "not imported yet" for the same file.
IMPORT_LOCK_KEY = 0x44504133_53414D58  # "DPA3" "SAMX"

# Header as SAM spells it, lower-cased with non-alphanumerics removed -> model field.
COLUMNS = {
    "classification": "classification", "name": "name", "prefix": "prefix", "first": "first",
    "middle": "middle", "last": "last", "suffix": "suffix", "address1": "address_1",
    "address2": "address_2", "city": "city", "stateprovince": "state_province",
    "country": "country", "zipcode": "zip_code", "uniqueentityid": "uei", "uei": "uei",
    "exclusionprogram": "exclusion_program", "excludingagency": "excluding_agency",
    "ctcode": "ct_code", "exclusiontype": "exclusion_type",
    "additionalcomments": "additional_comments", "activedate": "active_date",
    "terminationdate": "termination_date", "recordstatus": "record_status",
    "crossreference": "cross_reference", "samnumber": "sam_number", "cage": "cage", "npi": "npi",
    "creationdate": "creation_date",
}
REQUIRED = ("name", "uei", "record_status")
DATE_FIELDS = ("active_date", "termination_date", "creation_date")
TEXT_LIMITS = {f.name: f.max_length for f in SamExclusion._meta.concrete_fields
               if getattr(f, "max_length", None)}
LOADED_FIELDS = [*dict.fromkeys(COLUMNS.values()), "normalized_name"]


class ExtractError(Exception):
    """The file is not a Public Extract this importer can read."""


@dataclass
class ImportResult:
    extract: SamExtract
    created: bool
    seconds: float = 0.0


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", (header or "").lower())


def _date(value: str) -> date | None:
    value = (value or "").strip()
    if not value or value.lower() in ("indefinite", "n/a", "na"):
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ExtractError(f"Unreadable date {value!r}.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_text(path: Path):
    """The CSV as a text stream: the file itself, or the first .csv inside a .zip (SAM.gov
    serves the extract zipped)."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if not members:
            raise ExtractError("The ZIP file holds no .csv file.")
        raw = archive.open(members[0])
    else:
        raw = open(path, "rb")
    # utf-8-sig drops a byte-order mark; odd bytes in names must not stop a 150,000-row load.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def _rows(text, line_offset: int = 1):
    """Yield one tuple per record, in ``LOADED_FIELDS`` order."""
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise ExtractError("The file is empty.") from None
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        field = COLUMNS.get(_key(title))
        if field and field not in positions:
            positions[field] = index
    missing = [f for f in REQUIRED if f not in positions]
    if missing:
        raise ExtractError("Not a SAM Exclusions Public Extract: no column for "
                           + ", ".join(missing) + ".")
    fields = LOADED_FIELDS[:-1]
    for number, row in enumerate(reader, start=line_offset + 1):
        if not any(cell.strip() for cell in row):
            continue
        values = {}
        for field in fields:
            index = positions.get(field)
            cell = row[index].strip() if index is not None and index < len(row) else ""
            if field in DATE_FIELDS:
                try:
                    values[field] = _date(cell)
                except ExtractError as exc:
                    raise ExtractError(f"Line {number}: {exc}") from None
            else:
                values[field] = cell[:TEXT_LIMITS.get(field, len(cell))] if field in TEXT_LIMITS else cell
        values["uei"] = values["uei"].upper()
        display = values["name"] or " ".join(v for v in (values["first"], values["middle"], values["last"]) if v)
        values["normalized_name"] = normalize_name(display)[:400]
        yield tuple(values[f] for f in LOADED_FIELDS)


def _copy(extract: SamExtract, rows) -> int:
    table = SamExclusion._meta.db_table
    columns = ", ".join(["extract_id", *LOADED_FIELDS])
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((extract.pk, *row))
                count += 1
    return count


def import_extract(path: str | Path, *, source: str = ExtractSource.COMMAND, actor=None) -> ImportResult:
    """Import one extract file; a file imported before (same sha256) is left as it was."""
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"No such file: {path}")
    digest = sha256_of(path)
    started = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        existing = SamExtract.objects.filter(sha256=digest).first()
        if existing is not None:
            return ImportResult(extract=existing, created=False)
        extract = SamExtract.objects.create(file_name=path.name[:255], sha256=digest, rows=0,
                                            imported_at=started, source=source, imported_by=actor)
        with _open_text(path) as text:
            extract.rows = _copy(extract, _rows(text))
        extract.imported_at = timezone.now()
        extract.save(update_fields=["rows", "imported_at"])
        superseded = SamExtract.objects.exclude(pk=extract.pk).filter(records_kept=True)
        old_ids = list(superseded.values_list("pk", flat=True))
        if old_ids:
            # One DELETE statement: the records have no signals (not audited) and no dependants.
            SamExclusion.objects.filter(extract_id__in=old_ids).delete()
            for old in SamExtract.objects.filter(pk__in=old_ids):
                old.records_kept = False
                old.save(update_fields=["records_kept"])
        audit_event(obj=extract, action="imported", actor=actor, changes={
            "file_name": extract.file_name, "sha256": digest, "rows": extract.rows, "source": source,
            "superseded_extracts": old_ids})
    return ImportResult(extract=extract, created=True,
                        seconds=(timezone.now() - started).total_seconds())


def import_folder(folder: str | Path) -> list[ImportResult]:
    """Import every extract in ``folder`` not imported yet, oldest file first, so the newest
    ends up current. Safe to run any number of times (the sha256 decides)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".zip")),
                   key=lambda p: (p.stat().st_mtime, p.name))
    known = set(SamExtract.objects.values_list("sha256", flat=True))
    results = []
    for path in files:
        if sha256_of(path) in known:
            continue
        results.append(import_extract(path, source=ExtractSource.FOLDER))
    return results
