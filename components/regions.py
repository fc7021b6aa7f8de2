"""Azure regions: the programmatic names this release knows, and the region pairs.

A location is checked against :data:`REGIONS` so that a typo (``westeurop``) or a display
name (``West Europe``) fails before anything is planned, with a "did you mean". A region
newer than this list can still be used: the stack config's ``allowUnlistedRegion`` (and the
``allow_unlisted`` argument here) accepts any well-formed name.

Sources: Microsoft Learn, "Azure regions list" / ``az account list-locations`` (physical
public-cloud regions), and "Azure region pairs" (cross-region replication).
"""

import difflib
import re

from .validation import Problem

# Physical regions of the Azure public cloud (programmatic names).
REGIONS: frozenset[str] = frozenset(
    {
        # Americas
        "brazilsouth",
        "brazilsoutheast",
        "canadacentral",
        "canadaeast",
        "centralus",
        "chilecentral",
        "eastus",
        "eastus2",
        "mexicocentral",
        "northcentralus",
        "southcentralus",
        "westcentralus",
        "westus",
        "westus2",
        "westus3",
        # Europe
        "austriaeast",
        "belgiumcentral",
        "denmarkeast",
        "francecentral",
        "francesouth",
        "germanynorth",
        "germanywestcentral",
        "italynorth",
        "northeurope",
        "norwayeast",
        "norwaywest",
        "polandcentral",
        "spaincentral",
        "swedencentral",
        "swedensouth",
        "switzerlandnorth",
        "switzerlandwest",
        "uksouth",
        "ukwest",
        "westeurope",
        # Asia Pacific
        "australiacentral",
        "australiacentral2",
        "australiaeast",
        "australiasoutheast",
        "centralindia",
        "eastasia",
        "indonesiacentral",
        "japaneast",
        "japanwest",
        "jioindiacentral",
        "jioindiawest",
        "koreacentral",
        "koreasouth",
        "malaysiawest",
        "newzealandnorth",
        "southeastasia",
        "southindia",
        "westindia",
        # Middle East and Africa
        "israelcentral",
        "qatarcentral",
        "southafricanorth",
        "southafricawest",
        "uaecentral",
        "uaenorth",
    }
)

# Region pairs (symmetric unless noted). Geo-redundant backups of flexible servers go to the
# paired region; regions without a pair are absent.
_PAIRS: tuple[tuple[str, str], ...] = (
    ("eastus", "westus"),
    ("eastus2", "centralus"),
    ("northcentralus", "southcentralus"),
    ("westus2", "westcentralus"),
    ("westus3", "eastus"),
    ("canadacentral", "canadaeast"),
    ("brazilsouth", "southcentralus"),
    ("brazilsoutheast", "brazilsouth"),
    ("northeurope", "westeurope"),
    ("uksouth", "ukwest"),
    ("francecentral", "francesouth"),
    ("germanywestcentral", "germanynorth"),
    ("norwayeast", "norwaywest"),
    ("switzerlandnorth", "switzerlandwest"),
    ("swedencentral", "swedensouth"),
    ("eastasia", "southeastasia"),
    ("japaneast", "japanwest"),
    ("koreacentral", "koreasouth"),
    ("australiaeast", "australiasoutheast"),
    ("australiacentral", "australiacentral2"),
    ("centralindia", "southindia"),
    ("westindia", "southindia"),
    ("jioindiawest", "jioindiacentral"),
    ("uaenorth", "uaecentral"),
    ("southafricanorth", "southafricawest"),
)
# One-way pairs: the first region's pair is the second, not the other way round.
_ONE_WAY = frozenset(
    {("westus3", "eastus"), ("brazilsouth", "southcentralus"), ("westindia", "southindia")}
)
PAIRED_REGION: dict[str, str] = {}
for _a, _b in _PAIRS:
    PAIRED_REGION[_a] = _b
    if (_a, _b) not in _ONE_WAY:
        PAIRED_REGION.setdefault(_b, _a)

_WELL_FORMED = re.compile(r"[a-z][a-z0-9]{2,39}")


def normalize_region(region: str) -> str:
    """``West Europe`` and ``westeurope`` name the same region."""
    return region.replace(" ", "").lower()


def region_complaint(value: object, *, allow_unlisted: bool = False) -> str | None:
    """None for a known programmatic region name (or any well-formed one with
    ``allow_unlisted``), else what is wrong, with a suggestion."""
    if not isinstance(value, str):
        return "is not a region name; use a programmatic name such as westeurope"
    if value in REGIONS:
        return None
    if normalize_region(value) in REGIONS:
        return f"is a display name; use the programmatic name {normalize_region(value)}"
    if not _WELL_FORMED.fullmatch(value):
        return "is not a region name; use a programmatic name such as westeurope"
    if allow_unlisted:
        return None
    close = difflib.get_close_matches(value, sorted(REGIONS), n=1, cutoff=0.75)
    hint = f"did you mean {close[0]}?" if close else "see `az account list-locations -o table`"
    return (
        f"is not an Azure region this release knows; {hint} (for a region newer than "
        "this list, set allowUnlistedRegion true)"
    )


def location_problems(field: str, value: object, *, allow_unlisted: bool = True) -> list[Problem]:
    """A problem naming ``field`` when ``value`` is not a usable region. Components accept
    any well-formed programmatic name (``allow_unlisted``, the default); the stack config
    also checks the list."""
    complaint = region_complaint(value, allow_unlisted=allow_unlisted)
    return [Problem(field, complaint, value)] if complaint else []
