from tests.measures.conftest import make_measure  # noqa: F401
from tests.reports.conftest import categories  # noqa: F401
