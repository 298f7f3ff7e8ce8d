from tests.reports.conftest import categories  # noqa: F401
