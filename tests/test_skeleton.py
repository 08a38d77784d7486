import importlib


def test_layers_import() -> None:
    for name in ("connectors", "domain", "flows", "sandbox", "domain.records", "sandbox.core"):
        assert importlib.import_module(name) is not None
