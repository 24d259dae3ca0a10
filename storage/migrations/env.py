"""Alembic environment: runs on the connection handed over by storage.migrate, or on the configured URL."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, create_engine

from storage.models import Base, UtcDateTime

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations online; SQLite needs batch mode to alter tables."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _render_item(kind: str, item: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Write a UtcDateTime column as the plain type it stores, so a migration does not import the models."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
