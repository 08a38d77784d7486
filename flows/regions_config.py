"""The config's region settings checked against the `holidays` package at load, in its own spelling:
a typo must fail when the file is read, not turn into a silent working day on a bank holiday."""

from __future__ import annotations

from domain.regions import NATIONAL, country_code, region_matters, subdivision


def default_regions(value: dict[str, str]) -> dict[str, str]:
    """{country: region} → {ISO code: subdivision code}; "United Kingdom: England" becomes GB: ENG."""
    resolved = {}
    for country, region in value.items():
        code = _country(country, f"availability.regions.{country}")
        national = str(region).strip().lower() == NATIONAL
        resolved[code] = NATIONAL if national else _region(code, region, f"availability.regions.{country}")
    return resolved


def location_regions(value: dict[str, str]) -> dict[str, str]:
    """{location: "GB-SCT"} with each target checked; the country may be a name: "Scotland" is GB-SCT."""
    resolved = {}
    for location, target in value.items():
        country, _, region = str(target).partition("-")
        code = _country(country, f"availability.locations.{location}")
        resolved[location] = f"{code}-{_region(code, region, f'availability.locations.{location}')}"
    return resolved


def _country(text: str, key: str) -> str:
    code = country_code(text)
    if code is None:
        raise ValueError(
            f"{key}: {text!r} is not a country the holidays package knows; use its ISO code, e.g. GB"
        )
    return code


def _region(code: str, text: str, key: str) -> str:
    found = subdivision(code, text)
    if found is None:
        choices = ", ".join(region_matters(code)) or "none: its holidays are the same everywhere"
        raise ValueError(
            f"{key}: {text!r} is not a region of {code} (regions whose holidays differ: {choices}; or "
            f"'{NATIONAL}' for the holidays common to all of {code})"
        )
    return found
