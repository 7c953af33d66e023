"""The database connection's settings that the app's speed depends on."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
def test_postgresql_compiles_no_query_to_machine_code():
    """JIT is off on the app's connections: it compiled queries whose per-row subqueries made the
    planner's estimate large, and compiling took longer than running them (1.6 s of a 1.9 s
    ClaimReview export)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
