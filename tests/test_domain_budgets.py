"""Known answers for head-days and budgets, worked out by hand in the comments."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.budgets import BudgetLine, BudgetRules, compute_budgets, spent_by_team_period
from domain.headcount import head_days, team_spans
from domain.periods import days, period_containing, periods_in_year
from domain.records import Employee, JobInfoEntry, Spend


def emp(
    id_: str,
    team: str | None,
    hired: date | None = date(2020, 1, 1),
    left: date | None = None,
    kind: str = "Full-Time",
    status: str | None = None,
) -> Employee:
    return Employee(
        id=id_,
        name=f"Person {id_}",
        email=None,
        team=team,
        country="DE",
        status=status or ("Inactive" if left else "Active"),
        employment_status=kind,
        hire_date=hired,
        termination_date=left,
    )


def spend(day: date, team: str, amount: str) -> Spend:
    return Spend(row_number=2, day=day, team=team, amount=Decimal(amount), currency="EUR", description="")


Q4_2026 = period_containing("quarter", date(2026, 11, 1))  # Oct 31 + Nov 30 + Dec 31 = 92 days

# The Q4 2026 organisation every known-answer test below refers to.
STAFF = [
    emp("ana", "Platform"),  # whole quarter: 92
    emp(
        "ben", "Platform", hired=date(2026, 11, 15)
    ),  # joiner on the 15th of month 2: Nov 15-30 = 16, Dec 31 → 47
    emp("cem", "Platform", left=date(2026, 10, 20)),  # leaver, last day Oct 20: Oct 1-20 → 20
    emp("dia", "Data"),  # transfer, see HISTORY: Platform Oct+Nov = 61, Data Dec = 31
    emp("eve", "Platform", kind="Contractor"),  # excluded by status: 0
    emp("fay", "Data"),  # whole quarter: 92
]
HISTORY = [
    JobInfoEntry("dia", date(2019, 3, 1), "Platform"),
    JobInfoEntry("dia", date(2026, 12, 1), "Data"),
]
CONTRACTORS = frozenset({"Contractor"})


def test_head_days_for_joiner_leaver_transfer_and_excluded_contractor() -> None:
    assert head_days(STAFF, HISTORY, Q4_2026, CONTRACTORS) == {
        "Platform": {"ana": 92, "ben": 47, "cem": 20, "dia": 61},
        "Data": {"dia": 31, "fay": 92},
    }


def test_contractor_counts_when_not_excluded_and_exclusion_ignores_case() -> None:
    assert head_days(STAFF, HISTORY, Q4_2026)["Platform"]["eve"] == 92
    assert "eve" not in head_days(STAFF, HISTORY, Q4_2026, {" contractor "})["Platform"]


def test_quarter_budgets_with_per_team_override() -> None:
    rules = BudgetRules(
        "quarter", Decimal("100"), overrides={"data": Decimal("150")}, excluded_statuses=CONTRACTORS
    )
    spends = [spend(date(2026, 11, 3), "Platform", "120.50"), spend(date(2026, 9, 30), "Platform", "999")]
    data, platform = compute_budgets(STAFF, HISTORY, spends, rules, [Q4_2026])
    # Data, override 150: head-days 31 + 92 = 123; 150 × 123 / 92 = 200.543… → 200.54
    assert data == BudgetLine(
        team="Data",
        period_label="2026-Q4",
        headcount=2,
        head_days=123,
        days=92,
        allowance=Decimal("150"),
        budget=Decimal("200.54"),
        carried_over=Decimal("0.00"),
        spent=Decimal("0.00"),
        remaining=Decimal("200.54"),
        pct_used=Decimal("0.0"),
    )
    # Platform, default 100: 92 + 47 + 20 + 61 = 220; 100 × 220 / 92 = 239.130… → 239.13;
    # spent 120.50 (the September row is Q3); 120.50 / 239.13 = 50.39 % → 50.4
    assert platform == BudgetLine(
        team="Platform",
        period_label="2026-Q4",
        headcount=4,
        head_days=220,
        days=92,
        allowance=Decimal("100"),
        budget=Decimal("239.13"),
        carried_over=Decimal("0.00"),
        spent=Decimal("120.50"),
        remaining=Decimal("118.63"),
        pct_used=Decimal("50.4"),
    )
    # Average heads: head-days ÷ days = 123 / 92 = 1.336… → 1.34 and 220 / 92 = 2.391… → 2.39
    assert (data.average_heads, platform.average_heads) == (Decimal("1.34"), Decimal("2.39"))


def test_without_override_data_gets_the_default_allowance() -> None:
    rules = BudgetRules("quarter", Decimal("100"), excluded_statuses=CONTRACTORS)
    data = next(line for line in compute_budgets(STAFF, HISTORY, [], rules, [Q4_2026]) if line.team == "Data")
    assert data.budget == Decimal("133.70")  # 100 × 123 / 92 = 133.695… → 133.70


def test_leap_quarter_and_leap_february() -> None:
    staff = [
        emp("gus", "Web", hired=date(2028, 2, 15)),  # Feb 15-29 = 15 days, + Mar 31 → 46 in Q1
        emp("hal", "Web"),  # 2028-Q1 = 31 + 29 + 31 = 91 days
        emp("ida", "Web", hired=date(2028, 2, 29)),  # the leap day itself: 1 day in February, 32 in Q1
    ]
    q1 = period_containing("quarter", date(2028, 2, 29))
    feb = period_containing("month", date(2028, 2, 29))
    assert head_days(staff, [], q1) == {"Web": {"gus": 46, "hal": 91, "ida": 32}}
    assert head_days(staff, [], feb) == {"Web": {"gus": 15, "hal": 29, "ida": 1}}
    # Q1: 100 × (46 + 91 + 32) / 91 = 16900 / 91 = 185.714… → 185.71
    (line,) = compute_budgets(staff, [], [], BudgetRules("quarter", Decimal("100")), [q1])
    assert (line.head_days, line.headcount, line.budget) == (169, 3, Decimal("185.71"))
    # February alone, allowance 58 for gus: 58 × 15 / 29 = 30.00 exactly (with 28 days it would be 31.07)
    (feb_line,) = compute_budgets(staff[:1], [], [], BudgetRules("month", Decimal("58")), [feb])
    assert feb_line.budget == Decimal("30.00")


def test_rounding_happens_once_per_team_and_period() -> None:
    november = period_containing("month", date(2026, 11, 1))  # 30 days
    staff = [
        emp("p1", "Ops", hired=date(2026, 11, 21)),  # Nov 21-30: 10
        emp("p2", "Ops", left=date(2026, 11, 10)),  # Nov 1-10: 10
        emp("p3", "Ops", hired=date(2026, 11, 11), left=date(2026, 11, 20)),  # Nov 11-20: 10
    ]
    # per person 100 × 10 / 30 = 33.33 (×3 = 99.99); once at the end: 100 × 30 / 30 = 100.00
    (line,) = compute_budgets(staff, [], [], BudgetRules("month", Decimal("100")), [november])
    assert (line.headcount, line.head_days, line.budget) == (3, 30, Decimal("100.00"))


def test_rounding_is_half_up() -> None:
    february = period_containing("month", date(2027, 2, 1))  # 28 days
    staff = [emp("p1", "Ops", hired=date(2027, 2, 22))]  # Feb 22-28: 7 days
    # 10.10 × 7 / 28 = 2.525 → 2.53 (half-even would say 2.52)
    (line,) = compute_budgets(staff, [], [], BudgetRules("month", Decimal("10.10")), [february])
    assert line.budget == Decimal("2.53")


CARRY_SPENDS = [
    spend(date(2026, 1, 10), "Platform", "30.00"),  # January: 100 - 30 = 70 left
    spend(date(2026, 2, 5), "Platform", "200.00"),  # February: overspent
]
FEB_MAR = periods_in_year("month", 2026)[1:3]


def test_carry_over_on_carries_remaining_and_overspend() -> None:
    rules = BudgetRules("month", Decimal("100"), carry_over=True)
    feb, mar = compute_budgets([emp("ana", "Platform")], [], CARRY_SPENDS, rules, FEB_MAR)
    # January is computed though not requested: February starts with its 70.00
    # Feb: 100 + 70 - 200 = -30.00; 200 / 170 = 117.6 %
    assert (feb.carried_over, feb.remaining, feb.pct_used) == (
        Decimal("70.00"),
        Decimal("-30.00"),
        Decimal("117.6"),
    )
    # Mar: the overspend carries as -30.00: 100 - 30 - 0 = 70.00
    assert (mar.carried_over, mar.remaining, mar.pct_used) == (
        Decimal("-30.00"),
        Decimal("70.00"),
        Decimal("0.0"),
    )


def test_carry_over_off_starts_every_period_fresh() -> None:
    rules = BudgetRules("month", Decimal("100"))
    feb, mar = compute_budgets([emp("ana", "Platform")], [], CARRY_SPENDS, rules, FEB_MAR)
    assert (feb.carried_over, feb.remaining, feb.pct_used) == (
        Decimal("0.00"),
        Decimal("-100.00"),
        Decimal("200.0"),
    )
    assert (mar.carried_over, mar.remaining) == (Decimal("0.00"), Decimal("100.00"))


def test_carry_over_stops_at_the_year_boundary() -> None:
    rules = BudgetRules("quarter", Decimal("100"), carry_over=True)
    periods = [
        period_containing("quarter", date(2025, 12, 1)),
        period_containing("quarter", date(2026, 1, 1)),
    ]
    q4, q1 = compute_budgets([emp("ana", "Platform")], [], [], rules, periods)
    assert q4.carried_over == Decimal("300.00")  # Q1-Q3 2025 unspent, 100 each
    assert q1.carried_over == Decimal("0.00")


def test_spend_of_a_team_without_people_shows_with_budget_zero() -> None:
    rules = BudgetRules("quarter", Decimal("100"))
    lines = compute_budgets(
        [], [], [spend(date(2026, 11, 3), "Ghost", "10")], rules, [Q4_2026], teams={"Empty"}
    )
    assert [(ln.team, ln.budget, ln.spent, ln.remaining, ln.pct_used) for ln in lines] == [
        ("Empty", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None),
        ("Ghost", Decimal("0.00"), Decimal("10"), Decimal("-10.00"), None),
    ]


def test_periods_of_another_kind_are_refused() -> None:
    with pytest.raises(ValueError, match="per month"):
        compute_budgets([], [], [], BudgetRules("month", Decimal("1")), [Q4_2026])


def test_spent_by_team_period_sums_inside_each_period_only() -> None:
    months = periods_in_year("month", 2026)
    spends = [
        spend(date(2026, 11, 1), "Web", "10.00"),
        spend(date(2026, 11, 30), "Web", "-2.50"),  # a refund
        spend(date(2026, 12, 1), "Web", "5"),
        spend(date(2027, 1, 1), "Web", "99"),  # outside every period given
        spend(date(2026, 11, 5), "Data", "1"),
    ]
    assert spent_by_team_period(spends, months) == {
        ("Web", "2026-11"): Decimal("7.50"),
        ("Web", "2026-12"): Decimal("5"),
        ("Data", "2026-11"): Decimal("1"),
    }


NOV_2026 = period_containing("month", date(2026, 11, 1))


def test_history_before_hire_is_clamped_to_the_hire_date() -> None:
    person = emp("jo", "Platform", hired=date(2026, 11, 15))
    history = [
        JobInfoEntry("jo", date(2026, 1, 1), "Data"),  # paperwork before the start
        JobInfoEntry("jo", date(2026, 6, 1), "Web"),  # the latest pre-hire entry holds on the hire date
        JobInfoEntry("jo", date(2026, 11, 20), "Platform"),
    ]
    # Web Nov 15-19 = 5, Platform Nov 20-30 = 11
    assert head_days([person], history, NOV_2026) == {"Web": {"jo": 5}, "Platform": {"jo": 11}}


def test_transfer_away_and_back_counts_once_per_person() -> None:
    history = [
        JobInfoEntry("kim", date(2020, 1, 1), "Platform"),
        JobInfoEntry("kim", date(2026, 11, 11), "Data"),
        JobInfoEntry("kim", date(2026, 11, 21), "Platform"),
    ]
    rules = BudgetRules("month", Decimal("30"))
    lines = compute_budgets([emp("kim", "Platform")], history, [], rules, [NOV_2026])
    # Platform Nov 1-10 + Nov 21-30 = 20 days, one person; Data Nov 11-20 = 10
    assert [(ln.team, ln.headcount, ln.head_days, ln.budget) for ln in lines] == [
        ("Data", 1, 10, Decimal("10.00")),
        ("Platform", 1, 20, Decimal("20.00")),
    ]


def test_first_history_entry_after_hire_covers_the_days_before_it() -> None:
    history = [JobInfoEntry("lu", date(2026, 11, 10), "Data")]
    assert head_days([emp("lu", "Web", hired=date(2026, 11, 1))], history, NOV_2026) == {"Data": {"lu": 30}}


def test_people_who_cannot_be_placed_are_not_counted() -> None:
    staff = [
        emp("no-team", None),
        emp("blank-team", "  "),
        emp("inactive-no-date", "Web", status="Inactive"),
        emp("hired-later", "Web", hired=date(2026, 12, 1)),
    ]
    assert head_days(staff, [], NOV_2026) == {}


def test_rehired_person_with_old_termination_date_counts_from_the_new_hire() -> None:
    rehired = emp("mo", "Web", hired=date(2026, 11, 16), left=date(2025, 3, 31), status="Active")
    assert head_days([rehired], [], NOV_2026) == {"Web": {"mo": 15}}


def test_no_hire_date_means_employed_throughout() -> None:
    person = emp("ny", "Web", hired=None)
    assert head_days([person], [], NOV_2026) == {"Web": {"ny": 30}}
    assert [(s.team, s.end) for s in team_spans(person, [])] == [("Web", date.max)]


def test_history_after_termination_is_ignored() -> None:
    person = emp("ox", "Web", left=date(2026, 11, 5))
    history = [JobInfoEntry("ox", date(2020, 1, 1), "Web"), JobInfoEntry("ox", date(2026, 11, 20), "Data")]
    assert head_days([person], history, NOV_2026) == {"Web": {"ox": 5}}


DAYS_2025_2027 = st.dates(date(2025, 6, 1), date(2027, 6, 30))


@st.composite
def people_with_history(draw: st.DrawFn) -> tuple[list[Employee], list[JobInfoEntry]]:
    staff, history = [], []
    for index in range(draw(st.integers(1, 4))):
        hired = draw(st.none() | DAYS_2025_2027)
        left = draw(st.none() | DAYS_2025_2027)
        staff.append(emp(f"e{index}", draw(st.sampled_from(["A", "B", None])), hired=hired, left=left))
        for effective in draw(st.lists(DAYS_2025_2027, max_size=3)):
            history.append(JobInfoEntry(f"e{index}", effective, draw(st.sampled_from(["A", "B", ""]))))
    return staff, history


@settings(max_examples=60, deadline=None)
@given(people_with_history(), st.integers(1, 4))
def test_head_days_of_months_add_up_to_their_quarter(org: tuple, quarter_number: int) -> None:
    staff, history = org
    quarter = periods_in_year("quarter", 2026)[quarter_number - 1]
    months = periods_in_year("month", 2026)[3 * (quarter_number - 1) : 3 * quarter_number]
    summed: dict[tuple[str, str], int] = {}
    for month in months:
        for team, per_person in head_days(staff, history, month).items():
            for person, counted in per_person.items():
                summed[(team, person)] = summed.get((team, person), 0) + counted
    whole = head_days(staff, history, quarter)
    assert summed == {(t, p): d for t, per_person in whole.items() for p, d in per_person.items()}
    for person in staff:  # a transfer splits a person's days, it never doubles them
        assert sum(per_person.get(person.id, 0) for per_person in whole.values()) <= days(quarter)
