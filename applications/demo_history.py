"""Historical critical-mineral awards (2020-2025) imported from the reference CSV.

``applications/data/dpa_critical_mineral_awards.csv`` lists 29 publicly announced federal
awards with their sources. They become organizations, projects and *awarded* applications
in one closed "historical" opportunity, so portfolio views have real names, places,
minerals and amounts. Choices made, because the CSV is public reporting, not SF-424 data:

- Rows in Canada (ON, YT) are imported with country CA and the province or territory:
  Canada is a domestic source under DPA Title III (50 U.S.C. 4552(7)). They carry no
  congressional district (US addresses only).
- A state marked "(inferred)" is used and flagged; a state marked UNVERIFIED falls back
  to the organization's state from its other rows and is flagged (else the row is skipped).
- Dates: YYYY-MM-DD, YYYY-MM (first of month) and YYYY (January 1) are read and their
  precision noted; UNVERIFIED leaves submitted_at empty.
- Instruments, minerals and facility types come from the small explicit tables below;
  the source's own wording is kept in the application summary.
- UEI, EIN, street address, ZIP and congressional district are not in the source: UEI
  and EIN are synthetic (derived from the name), the others are marked as not recorded.
- Not every row is a DPA Title III award (IBAS, OSC, DOE LPO, DOE grants): the program is
  kept and the summary says so. Each dated row gets an accepted Award and its Obligation
  (applications.demo.import_history_awards), letter marked imported.
"""

import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from accounts.geography import Country, subdivisions
from applications.choices import BUDGET_CATEGORIES, FacilityType, Instrument, ProjectStage

CSV_PATH = Path(__file__).resolve().parent / "data" / "dpa_critical_mineral_awards.csv"
EASTERN = ZoneInfo("America/New_York")

# Another name for the same recipient in the announcements.
COMPANY_ALIASES = {"Talon Metals": "Talon Nickel (USA)"}

# Free-text mineral wording -> Mineral.name rows (lower case, from critical_minerals.csv).
# Every matching entry contributes; a row that matches none is an error, not a guess.
MINERAL_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("light ree", ("lanthanum", "cerium", "neodymium", "praseodymium")),
    ("heavy ree", ("dysprosium", "terbium")),
    ("samarium", ("samarium",)),
    ("ndpr", ("neodymium", "praseodymium")),
    ("ndfeb", ("neodymium", "praseodymium")),
    ("rare earth magnet", ("neodymium", "praseodymium")),
    ("rare earths (separation", ("neodymium", "praseodymium", "dysprosium", "terbium")),
    ("antimony", ("antimony",)),
    ("gold by-product", ("gold",)),
    ("cobalt", ("cobalt",)),
    ("nickel", ("nickel",)),
    ("ni-cu-co", ("nickel", "copper", "cobalt")),
    ("graphite", ("graphite",)),
    ("lithium", ("lithium",)),
    ("boron", ("boron",)),
    ("manganese", ("manganese",)),
    ("tungsten", ("tungsten",)),
    ("gallium", ("gallium",)),
    ("scandium", ("scandium",)),
)

# First match on mineral + location wording; no match means a mine.
FACILITY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("magnet", FacilityType.MAGNET_MANUFACTURING),
    ("separation", FacilityType.PROCESSING),
    ("processing", FacilityType.PROCESSING),
    ("hydromet", FacilityType.PROCESSING),
    ("residue", FacilityType.PROCESSING),
    ("sulfate", FacilityType.REFINING),
    ("refin", FacilityType.REFINING),
    ("recycl", FacilityType.RECYCLING),
)

# First match on mineral + notes wording; no match means construction.
STAGE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("exploration", ProjectStage.EXPLORATION),
    ("drilling", ProjectStage.EXPLORATION),
    ("study", ProjectStage.FEASIBILITY),
    ("restart", ProjectStage.EXPANSION),
)

# First match on the source's instrument wording. TIAs, "agreements", "awards" and IBAS
# procurement contracts have no closer match among our instruments than a cooperative
# agreement; the original wording stays in the summary.
INSTRUMENT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("loan", Instrument.LOAN),
    ("offtake", Instrument.PURCHASE_COMMITMENT),
    ("price floor", Instrument.PURCHASE_COMMITMENT),
    ("grant", Instrument.GRANT),
)
COST_SHARE_RE = re.compile(r"\bTIA\b|technology investment agreement|grant", re.IGNORECASE)

NAICS_BY_FACILITY = {
    FacilityType.MINE: "212290",  # other metal ore mining
    FacilityType.PROCESSING: "331410",  # nonferrous (except aluminum) smelting and refining
    FacilityType.REFINING: "331410",
    FacilityType.RECYCLING: "331492",  # secondary smelting/refining of nonferrous metal
    FacilityType.MAGNET_MANUFACTURING: "332999",  # includes metallic permanent magnets
}
NONMETAL_MINE_NAICS = "212390"  # graphite, boron: other nonmetallic mineral mining

# Budget shares (percent of total project cost) by SF-424A object class.
BUDGET_SHARES = {
    FacilityType.MINE: {"personnel": 10, "fringe": 3, "travel": 1, "equipment": 35, "supplies": 5,
                        "contractual": 12, "construction": 28, "other": 2, "indirect": 4},
    "default": {"personnel": 12, "fringe": 4, "travel": 1, "equipment": 40, "supplies": 6,
                "contractual": 10, "construction": 20, "other": 3, "indirect": 4},
}

# States with one at-large House seat (the only districts knowable from the state alone).
AT_LARGE_STATES = frozenset({"AK", "DE", "ND", "SD", "VT", "WY", "DC"})
UEI_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no I, no O


@dataclass
class AwardRow:
    """One CSV row, interpreted; ``skip_reason`` set when it cannot be imported honestly."""

    line: int
    company: str
    mineral_text: str
    location: str
    state_text: str
    amount: Decimal
    date_text: str
    program: str
    instrument_text: str
    source_url: str
    notes: str
    state: str = ""
    country: str = Country.US
    announced: date | None = None
    date_precision: str = ""
    instrument: str = ""
    cost_share: Decimal = Decimal("0")
    facility_type: str = ""
    stage: str = ""
    minerals: tuple[str, ...] = ()
    caveats: list[str] = field(default_factory=list)
    skip_reason: str = ""

    @property
    def organization_name(self) -> str:
        return COMPANY_ALIASES.get(self.company, self.company)

    @property
    def submitted_at(self) -> datetime | None:
        if self.announced is None:
            return None
        return datetime.combine(self.announced, time(12), tzinfo=EASTERN)

    @property
    def county(self) -> str:
        match = re.search(r"\(([^)]*County)\)", self.location)
        return match.group(1) if match else ""

    @property
    def project_name(self) -> str:
        return f"{self.location} ({FacilityType(self.facility_type).label.lower()})"[:200]

    @property
    def title(self) -> str:
        when = self.date_text if self.announced else "date unverified"
        return f"{self.company}: {self.mineral_text}, {self.location} ({when})"[:250]

    @property
    def is_dpa_title_iii(self) -> bool:
        return "DPA" in self.program and "not DPA" not in self.program

    def summary(self) -> str:
        lines = [
            "Imported from a public award announcement; not an application filed in this system.",
            f"Agency / program: {self.program}",
            f"Instrument as announced: {self.instrument_text}",
            f"Announced: {self.date_text}" + (f" ({self.date_precision})" if self.date_precision else ""),
            f"Source: {self.source_url}",
        ]
        if self.notes:
            lines.append(f"Source notes: {self.notes}")
        lines.append("Caveats:")
        lines.extend(f"- {c}" for c in self.caveats)
        return "\n".join(lines)


# The sources give no period of performance; imported awards record this many years from
# the announcement, and say so in their conditions.
PERIOD_YEARS = 3


def period_end(start: date) -> date:
    """``PERIOD_YEARS`` after ``start`` (February 29 falls back to the 28th)."""
    return start.replace(year=start.year + PERIOD_YEARS, day=min(start.day, 28) if start.month == 2 else start.day)


def award_conditions(row: AwardRow) -> list[str]:
    """What an imported award's record must say about where it came from."""
    return [
        f"Imported from a public award announcement ({row.source_url}); not issued in this system, "
        "so there is no award letter here.",
        f"Period of performance not in the source: recorded as {PERIOD_YEARS} years from the "
        "announcement date.",
        "Issuing official not in the source: the issuer shown is the program officer who recorded it.",
    ]


def _first(table, text: str, default):
    lowered = text.lower()
    return next((value for key, value in table if key in lowered), default)


def minerals_for(text: str) -> tuple[str, ...]:
    """Mineral names for the CSV's free-text mineral column, in table order, no repeats."""
    lowered = text.lower()
    names: list[str] = []
    for key, minerals in MINERAL_KEYWORDS:
        if key in lowered:
            names.extend(m for m in minerals if m not in names)
    return tuple(names)


def parse_announced(text: str) -> tuple[date | None, str]:
    """(date, precision note) from YYYY-MM-DD, YYYY-MM or YYYY; (None, ...) if unverified."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text), ""
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return date.fromisoformat(f"{text}-01"), "month only; recorded as the 1st"
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), "year only; recorded as January 1"
    return None, "date not verified; submitted_at left empty"


def parse_state(text: str) -> tuple[str, str, str]:
    """(country, subdivision code or "", status): status is "", "inferred" or "unverified".

    "ON (Canada)" is Ontario in Canada; anything else is read as a US state.
    """
    country = Country.CA if "canada" in text.lower() else Country.US
    code = text.strip().split(" ")[0].upper()
    if code in subdivisions(country):
        return country, code, "inferred" if "inferred" in text.lower() else ""
    return country, "", "unverified"


def interpret(raw: dict, line: int) -> AwardRow:
    """Turn one CSV record into an AwardRow with every mapping decision and caveat."""
    row = AwardRow(
        line=line, company=raw["company"].strip(), mineral_text=raw["mineral"].strip(),
        location=raw["project_location"].strip(), state_text=raw["state_or_province"].strip(),
        amount=Decimal(raw["amount_usd"]).quantize(Decimal("0.01")), date_text=raw["date"].strip(),
        program=raw["agency_program"].strip(), instrument_text=raw["instrument"].strip(),
        source_url=raw["source_url"].strip(), notes=raw["notes"].strip(),
    )
    row.country, row.state, state_status = parse_state(row.state_text)
    if state_status == "inferred":
        row.caveats.append(f"State {row.state} is inferred in the source, not stated.")
    if state_status == "unverified":
        row.caveats.append("Project state not verified in the source; recorded as the organization's state.")

    row.announced, row.date_precision = parse_announced(row.date_text)
    if row.announced is None:
        row.caveats.append("Announcement date not verified; submitted_at left empty.")
    elif row.date_precision:
        row.caveats.append(f"Announcement date is {row.date_precision}.")

    row.minerals = minerals_for(row.mineral_text)
    if not row.minerals:
        raise ValueError(f"CSV line {line}: no mineral mapping for {row.mineral_text!r}; extend MINERAL_KEYWORDS.")
    row.facility_type = _first(FACILITY_KEYWORDS, f"{row.mineral_text} {row.location}", FacilityType.MINE)
    row.stage = _first(STAGE_KEYWORDS, f"{row.mineral_text} {row.notes}", ProjectStage.CONSTRUCTION)
    row.instrument = _first(INSTRUMENT_KEYWORDS, row.instrument_text, Instrument.COOPERATIVE_AGREEMENT)
    if row.instrument == Instrument.COOPERATIVE_AGREEMENT:
        row.caveats.append(f"Instrument '{row.instrument_text}' recorded as a cooperative agreement "
                           "(closest instrument in this system).")
    if COST_SHARE_RE.search(row.instrument_text):
        row.cost_share = row.amount  # 50% of total project cost
        if "50% cost share" not in row.instrument_text:
            row.caveats.append("Cost share assumed 50% of project cost (typical of DPA Title III TIAs "
                               "and DOE battery-materials grants); not stated for this award.")
    else:
        row.caveats.append("Cost share not stated in the source; recorded as $0.")
    if not row.is_dpa_title_iii:
        row.caveats.append(f"Not identified as a DPA Title III award in the source ({row.program}).")
    row.caveats.append("Period of performance not in the source.")
    row.caveats.append("UEI and EIN are synthetic placeholders, not the recipient's SAM.gov registration.")
    return row


def read_rows(path: Path = CSV_PATH) -> list[AwardRow]:
    """Every CSV row, interpreted (skipped ones carry ``skip_reason``)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [interpret(raw, line) for line, raw in enumerate(csv.DictReader(handle), start=2)]
    states = {}
    for row in rows:  # an unverified state falls back to the organization's state from other rows
        if row.state and not row.skip_reason:
            states.setdefault((row.organization_name, row.country), row.state)
    for row in rows:
        if not row.state and not row.skip_reason:
            row.state = states.get((row.organization_name, row.country), "")
            if not row.state:
                row.skip_reason = "no verified state or province for the project or its organization"
    return rows


def _digits(name: str, salt: str) -> bytes:
    return hashlib.sha256(f"{salt}:{name}".encode()).digest()


def synthetic_uei(name: str) -> str:
    """A valid, deterministic 12-character UEI for a name (first character never 0)."""
    digest = _digits(name, "uei")
    first = UEI_ALPHABET[:-10] + UEI_ALPHABET[-9:]  # every character except "0"
    return first[digest[0] % len(first)] + "".join(UEI_ALPHABET[b % len(UEI_ALPHABET)] for b in digest[1:12])


def synthetic_ein(name: str) -> str:
    """A deterministic 9-digit EIN for a name (prefix 10-99, never 00)."""
    value = int.from_bytes(_digits(name, "ein")[:8], "big")
    return f"{10 + value % 90}{value // 90 % 10**7:07d}"


def naics_for(row: AwardRow) -> str:
    if row.facility_type == FacilityType.MINE and set(row.minerals) & {"graphite", "boron"}:
        return NONMETAL_MINE_NAICS
    return NAICS_BY_FACILITY.get(row.facility_type, "331410")


def congressional_district(state: str, country: str = Country.US) -> str:
    # "-00" marks a district the source does not record (only at-large states are knowable).
    # Districts exist for US addresses only.
    if country != Country.US:
        return ""
    return f"{state}-AL" if state in AT_LARGE_STATES else f"{state}-00"


def split_budget(total: Decimal, facility_type: str) -> dict[str, Decimal]:
    """SF-424A object classes summing exactly to ``total`` (rounding left in equipment)."""
    shares = BUDGET_SHARES.get(facility_type, BUDGET_SHARES["default"])
    cents = int(total * 100)
    budget = {name: Decimal(cents * shares.get(name, 0) // 100) / 100 for name, _ in BUDGET_CATEGORIES}
    budget["equipment"] += total - sum(budget.values())
    return budget
