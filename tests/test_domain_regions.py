"""Public holidays by country and region, from what BambooHR sends.

Known answers from the 2026 calendar (Easter Sunday is 5 April 2026):
  England/Wales: Easter Monday 6 Apr, late summer bank holiday 31 Aug (last Monday of August)
  Scotland:      2 Jan, summer bank holiday 3 Aug (first Monday), St Andrew's Day Mon 30 Nov; no Easter Monday
  N. Ireland:    St Patrick's Day Tue 17 Mar, Battle of the Boyne Sun 12 Jul → observed Mon 13 Jul
  Ontario:       Family Day 16 Feb (third Monday of February)
  Quebec:        National Patriots' Day 18 May (the Monday before 25 May), St-Jean-Baptiste Wed 24 Jun
  British Col.:  BC Day 3 Aug (first Monday of August)
  New S. Wales:  Labour Day 5 Oct (first Monday of October)
  Victoria:      Labour Day 9 Mar (second Monday of March), Melbourne Cup Tue 3 Nov
  Queensland:    Labour Day 4 May (first Monday of May)
  Bayern:        Heilige Drei Könige Tue 6 Jan, Fronleichnam Thu 4 Jun (Easter + 60 days)
  Sachsen:       Buß- und Bettag Wed 18 Nov (the Wednesday before 23 November)
  Massachusetts: Patriots' Day 20 Apr (third Monday of April)
  California:    Cesar Chavez Day Tue 31 Mar
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import holidays
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.capacity import daily_capacity
from domain.people import Person, match_people
from domain.records import Employee
from domain.regions import NATIONAL, RegionRules, country_code, holiday_calendar, region_warnings, subdivision
from flows.config import ConfigError, parse_config

YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 12, 31)


def person_in(
    country: str, state: str | None = None, location: str | None = None, rules: RegionRules = RegionRules()
) -> Person:
    employee = Employee("1", "Ann Lee", "ann@org.example", "Platform", country, "Active", "Full-Time",
                        date(2020, 1, 6), None, state=state, location=location)  # fmt: skip
    (person,) = match_people([employee], [], regions=rules)
    return person


# (BambooHR country, state, location) → the days off there, and days that are working days there but
# public holidays in another region of the same country.
KNOWN = [
    (("United Kingdom", "England", None), [date(2026, 4, 6), date(2026, 8, 31)], [date(2026, 11, 30)]),
    (("UK", "Wales", None), [date(2026, 4, 6), date(2026, 8, 31)], [date(2026, 1, 2)]),
    (("GB", None, "Scotland"), [date(2026, 1, 2), date(2026, 8, 3), date(2026, 11, 30)], [date(2026, 4, 6)]),
    (("Great Britain", "Northern Ireland", None), [date(2026, 3, 17), date(2026, 7, 13)], [date(2026, 8, 3)]),
    (("Canada", "Ontario", None), [date(2026, 2, 16)], [date(2026, 6, 24)]),
    (("Canada", "QC", None), [date(2026, 5, 18), date(2026, 6, 24)], [date(2026, 8, 3)]),
    (("CA", "British Columbia", None), [date(2026, 8, 3)], [date(2026, 6, 24)]),
    (("Australia", "NSW", None), [date(2026, 10, 5)], [date(2026, 3, 9)]),
    (("Australia", "Victoria", None), [date(2026, 3, 9), date(2026, 11, 3)], [date(2026, 10, 5)]),
    (("AU", "Queensland", None), [date(2026, 5, 4)], [date(2026, 11, 3)]),
    (("Deutschland", "Bayern", None), [date(2026, 1, 6), date(2026, 6, 4)], [date(2026, 11, 18)]),
    (("Germany", "Sachsen", None), [date(2026, 11, 18)], [date(2026, 1, 6)]),
    (("United States", "Massachusetts", None), [date(2026, 4, 20)], [date(2026, 3, 31)]),
    (("USA", "CA", None), [date(2026, 3, 31)], [date(2026, 4, 20)]),
]


@pytest.mark.parametrize(("where", "off", "working"), KNOWN)
def test_regional_holidays_known_by_hand(
    where: tuple[str, str | None, str | None], off: list[date], working: list[date]
) -> None:
    person = person_in(*where)
    per_day = daily_capacity(person, YEAR_START, YEAR_END).per_day
    assert {d: per_day[d] for d in off} == dict.fromkeys(off, 0.0)
    assert {d: per_day[d] for d in working} == dict.fromkeys(working, 8.0)
    assert region_warnings([(person.name, person.country)]) == []


def test_a_uk_employee_without_a_region_is_named_in_a_warning_or_gets_the_configured_default() -> None:
    unknown = person_in("United Kingdom")
    assert unknown.country == "GB"
    (warning,) = region_warnings([(unknown.name, unknown.country), ("Bo Svensson", "SE"), ("Cy", "GB-SCT")])
    assert "public holidays in GB differ by region (ENG, NIR, SCT, WLS)" in warning
    assert "Ann Lee" in warning and "Bo Svensson" not in warning and "Cy" not in warning
    assert "availability.regions.GB" in warning
    defaulted = person_in("United Kingdom", rules=RegionRules(defaults={"GB": "ENG"}))
    assert defaulted.country == "GB-ENG"
    assert daily_capacity(defaulted, date(2026, 4, 6), date(2026, 4, 6)).per_day == {date(2026, 4, 6): 0.0}


def test_location_mapping_from_the_config_wins_and_must_match_the_country() -> None:
    rules = RegionRules(locations={"Edinburgh office": "GB-SCT"})
    assert person_in("United Kingdom", "England", "edinburgh  OFFICE", rules).country == "GB-SCT"
    assert person_in("Deutschland", "Berlin", "Edinburgh office", rules).country == "DE-BE"  # another country


@pytest.mark.parametrize(
    ("text", "code"),
    [("United Kingdom", "GB"), ("UK", "GB"), ("GBR", "GB"), ("Deutschland", "DE"), ("Royaume-Uni", "GB"),
     ("Vereinigtes Königreich", "GB"), ("España", "ES"), ("Schweiz", "CH"), ("  germany ", "DE"),
     ("United States", "US"), ("USA", "US"), ("Österreich", "AT"), ("Narnia", None), ("", None),
     (None, None)],
)  # fmt: skip
def test_country_names_in_many_languages_map_to_iso_codes(text: str | None, code: str | None) -> None:
    assert country_code(text) == code


def test_subdivision_names_codes_and_prefixed_codes() -> None:
    assert subdivision("DE", "Baden-Württemberg") == subdivision("DE", "baden wurttemberg") == "BW"
    assert subdivision("GB", "GB-SCT") == subdivision("GB", "sct") == "SCT"
    assert subdivision("GB", "Yorkshire") is None
    assert holiday_calendar("Narnia") == "NARNIA"  # unknown: passed on for capacity to warn by name
    assert holiday_calendar("Scotland") == "GB-SCT"  # a nation typed as the country
    assert holiday_calendar("gb-sct") == holiday_calendar("United Kingdom-Scotland") == "GB-SCT"
    assert holiday_calendar("Germany-Bayern") == "DE-BY" and holiday_calendar("Guinea-Bissau") == "GW"


REGIONS = [
    (country, sub)
    for country in ("GB", "CA", "AU", "DE", "US")
    for sub in holidays.country_holidays(country).subdivisions
]


@settings(max_examples=150, deadline=None)
@example(region=("AU", "NSW Western"), day=date(2026, 10, 5))  # a subdivision code in mixed case
@given(
    region=st.sampled_from(REGIONS), day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
)
def test_every_region_of_five_countries_agrees_with_the_holidays_package(
    region: tuple[str, str], day: date
) -> None:
    country, sub = region
    person = person_in(country, sub)
    assert person.country == f"{country}-{sub}"
    expected = (
        0.0
        if day.weekday() >= 5 or day in holidays.country_holidays(country, subdiv=sub, years=day.year)
        else 8.0
    )
    assert daily_capacity(person, day, day).per_day == {day: expected}


def test_a_national_default_is_a_deliberate_choice_and_silences_the_warning() -> None:
    # France's subdivisions in the holidays package are Alsace-Moselle and overseas: Paris keeps the
    # national calendar, which the config says on purpose.
    rules = RegionRules(defaults={"FR": NATIONAL})
    paris = person_in("France", None, "Paris", rules)
    assert paris.country == "FR"
    assert region_warnings([(paris.name, paris.country)], rules) == []
    assert len(region_warnings([(paris.name, paris.country)])) == 1


YORKSHIRE = (
    "'availability.regions': Value error, availability.regions.GB: 'Yorkshire' is not a region of GB "
    "(regions whose holidays differ: ENG, NIR, SCT, WLS"
)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"regions": {"GB": "Yorkshire"}}, YORKSHIRE),
        ({"regions": {"Narnia": "X"}}, "availability.regions.Narnia: 'Narnia' is not a country"),
        (
            {"locations": {"Mars base": "GB-XX"}},
            "availability.locations.Mars base: 'XX' is not a region of GB",
        ),
    ],
)
def test_region_settings_are_checked_at_load_naming_the_key(section: dict, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"availability": section}, "x.yaml")
    assert message in str(info.value)


def test_region_settings_are_read_in_any_spelling() -> None:
    section = {
        "regions": {"United Kingdom": "Scotland", "FR": "National"},
        "locations": {"Sydney": "Australia-NSW"},
    }
    settings = parse_config({"availability": section}).availability
    assert settings.regions == {"GB": "SCT", "FR": NATIONAL}
    assert settings.locations == {"Sydney": "AU-NSW"}


def test_an_unknown_region_keeps_the_countrys_common_holidays_and_says_so() -> None:
    person = person_in("United Kingdom", rules=RegionRules())
    typo = replace(person, country="GB-ENGLND")
    result = daily_capacity(typo, date(2026, 12, 25), date(2026, 12, 25))
    assert result.per_day == {date(2026, 12, 25): 0.0}  # Christmas: a holiday in every nation
    (warning,) = result.warnings
    assert "'ENGLND' is not a region of GB in the holidays package (ENG, NIR, SCT, WLS)" in warning
