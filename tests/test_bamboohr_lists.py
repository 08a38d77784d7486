"""BambooHR list-field option ids: what tells a team renamed in BambooHR from a new one."""

from __future__ import annotations

from connectors.bamboohr import BambooHRClient
from sandbox.bamboohr import start_bamboohr_sandbox
from sandbox.bamboohr_lists import rename_option
from tests.provision_fixtures import KEY, dataset


def test_a_renamed_option_keeps_its_id_and_a_field_that_is_no_list_has_none() -> None:
    service, state = start_bamboohr_sandbox(dataset(), api_key=KEY)
    with service:
        client = BambooHRClient("demo", KEY, base_url=service.url)
        before = client.list_option_ids("department")
        assert set(before) == {"Platform", "Data"}
        rename_option(state, "department", "Data", "Analytics")
        after = client.list_option_ids("department")
        assert after == {"Platform": before["Platform"], "Analytics": before["Data"]}
        assert {e["department"] for e in state.employees} == {"Platform", "Analytics"}
        assert client.list_option_ids("customSquad") == {}
