"""The report pages' fixtures (a fake clock, quick quiz taking) for the studio's item-statistics tests."""

from tests.reports.conftest import app_config, clock, take  # noqa: F401 - fixtures
