"""Whose public holidays apply to a person: the country as BambooHR spells it, and its region.

BambooHR sends the country as a name in the company's language ("United Kingdom", "Deutschland"), at
times as a code ("GB", "UK", "DEU"). The `holidays` package wants an ISO code and, where holidays
differ inside a country (England and Scotland, Bavaria and Berlin, Ontario and Quebec, New South Wales
and Victoria, the US states), a subdivision: without one it only knows the days common to all regions,
so a person in England would work on Easter Monday. The region comes, in this order, from the config's
location mapping, BambooHR's state field, its location field (each matched against the subdivision
codes and names the `holidays` package knows), then the config's per-country default. When none gives
it, the person is named in a warning rather than silently given a working day.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from holidays.registry import COUNTRIES

# Country names in these languages are understood (CLDR, through Babel), besides the holidays
# package's own English names and codes: the languages of the countries BambooHR companies are in.
_NAME_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs", "sk", "hu",
                   "ro", "bg", "el", "tr", "ru", "uk", "ja", "zh", "ko", "he", "ar", "hi", "id", "ms", "th",
                   "vi", "lt", "lv", "et", "sl", "hr", "sr", "ca", "ga", "is")  # fmt: skip
# The UK's nations are often typed as the country; each is also the region its holidays follow.
_NATIONS = {"england": "GB-ENG", "scotland": "GB-SCT", "wales": "GB-WLS", "northernireland": "GB-NIR",
            "greatbritain": "GB"}  # fmt: skip
# A per-country default that says "the country's common holidays, on purpose" (metropolitan France, whose
# subdivisions in the holidays package are Alsace-Moselle and the overseas departments).
NATIONAL = "national"
_REFERENCE_YEAR = 2026  # whether a country's holidays differ by region is checked on one whole year


@dataclass(frozen=True)
class RegionRules:
    """The config's say: a default subdivision per country, and BambooHR locations mapped to one."""

    defaults: Mapping[str, str] = field(default_factory=dict)  # "GB" → "ENG", or "FR" → NATIONAL
    locations: Mapping[str, str] = field(default_factory=dict)  # "Edinburgh office" → "GB-SCT"


def _key(text: str) -> str:
    """Names compare without case, accents, punctuation or spaces: "Württemberg" ~ "wurttemberg"."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in plain if not unicodedata.combining(c)))


@lru_cache(maxsize=1)
def _known_codes() -> dict[str, str]:
    """Codes and English names from the holidays registry: "GB", "GBR", "UK", "unitedkingdom" → "GB"."""
    codes: dict[str, str] = {}
    for name, entry in COUNTRIES.items():
        code = entry[1]
        for alias in (code, *entry[2:]):
            codes[alias.upper()] = code
        codes[_key(name)] = code
        codes[_key(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]))] = code
    return codes


@lru_cache(maxsize=1)
def _local_names() -> dict[str, str]:
    """Country names in the languages above ("Deutschland", "Royaume-Uni"); a name two codes share
    (e.g. "Kongo") is left out rather than guessed."""
    from babel import Locale  # loaded only for a name the registry does not know

    found: dict[str, set[str]] = defaultdict(set)
    for language in _NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                found[_key(name)].add(code)
    return {name: codes.pop() for name, codes in found.items() if len(codes) == 1}


def country_code(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 for a country as people write it; None when empty or unknown."""
    if not text or not text.strip():
        return None
    cleaned = text.strip()
    codes = _known_codes()
    if cleaned.upper() in codes:
        return codes[cleaned.upper()]
    key = _key(cleaned)
    return codes.get(key) or _local_names().get(key)


@lru_cache(maxsize=256)
def _subdivisions(country: str) -> dict[str, str]:
    """Every way the holidays package names a subdivision of `country`, by comparison key → its code."""
    try:
        calendar = holidays.country_holidays(country)
    except NotImplementedError:
        return {}
    names = {_key(code): code for code in calendar.subdivisions}
    names.update({_key(alias): code for alias, code in calendar.subdivisions_aliases.items()})
    return names


def subdivision(country: str, text: str | None) -> str | None:
    """The subdivision code of `country` that `text` names ("Scotland", "SCT", "GB-SCT"); None if none."""
    if not text or not text.strip():
        return None
    cleaned = text.strip()
    prefix = f"{country}-"
    if cleaned.upper().startswith(prefix):
        cleaned = cleaned[len(prefix) :]
    return _subdivisions(country).get(_key(cleaned))


@lru_cache(maxsize=256)
def region_matters(country: str) -> tuple[str, ...]:
    """The subdivisions whose public holidays differ from the country's common ones (empty: none do)."""
    try:
        common = set(holidays.country_holidays(country, years=_REFERENCE_YEAR))
        codes = holidays.country_holidays(country).subdivisions
        return tuple(
            code
            for code in codes
            if set(holidays.country_holidays(country, subdiv=code, years=_REFERENCE_YEAR)) != common
        )
    except NotImplementedError:
        return ()


def holiday_calendar(
    country: str | None,
    state: str | None = None,
    location: str | None = None,
    rules: RegionRules = RegionRules(),
) -> str | None:
    """The calendar key for `holidays` ("GB-ENG", or "GB" when no region applies or is known); an
    unknown country is passed on as written (upper case), so capacity can warn about it by name."""
    prefix, dash, rest = (country or "").strip().partition("-")
    explicit = country_code(prefix) if dash else None
    if explicit and (region := subdivision(explicit, rest)):  # "GB-SCT", "gb-sct", "Germany-Bayern"
        return f"{explicit}-{region}"
    nation = _NATIONS.get(_key(country or ""))
    if nation and "-" in nation:
        return nation
    code = nation or country_code(country)
    mapped = _mapped_location(location, rules)
    if mapped and (code is None or mapped.startswith(f"{code}-")):
        return mapped
    if code is None:
        return country.strip().upper() if country and country.strip() else None
    region = subdivision(code, state) or subdivision(code, location) or rules.defaults.get(code)
    return f"{code}-{region}" if region and region != NATIONAL else code


def _mapped_location(location: str | None, rules: RegionRules) -> str | None:
    if not location or not location.strip():
        return None
    wanted = _key(location)
    return next((target.upper() for name, target in rules.locations.items() if _key(name) == wanted), None)


def region_warnings(
    people: Iterable[tuple[str, str | None]], rules: RegionRules = RegionRules()
) -> list[str]:
    """One warning per country whose holidays differ by region, naming the people (name, calendar key)
    for whom no region is known: they get only the holidays common to the whole country. A country the
    config defaults to NATIONAL is not warned about."""
    unknown: dict[str, list[str]] = defaultdict(list)
    for name, calendar in people:
        deliberate = rules.defaults.get(calendar or "") == NATIONAL
        if calendar and "-" not in calendar and not deliberate and region_matters(calendar):
            unknown[calendar].append(name)
    return [
        f"public holidays in {country} differ by region ({', '.join(region_matters(country))}) and the "
        f"region of {_names(names)} is unknown, so only the holidays common to all of {country} are taken "
        f"off: set availability.regions.{country} (a default), map their BambooHR location under "
        f"availability.locations, or write the country as {country}-{region_matters(country)[0]} in the "
        "People tab"
        for country, names in sorted(unknown.items())
    ]


def _names(names: list[str], shown: int = 10) -> str:
    listed = ", ".join(sorted(names)[:shown])
    return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")
