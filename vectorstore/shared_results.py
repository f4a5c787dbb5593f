"""Results one process computed, in the shared database for every other process of a deployment.

Several API processes each remember their own answers (`qa.cache`); without this table each of them
composes every popular question once more after a start or an upload. A row holds the answer as
text for the data version it was composed at, and is used only while the data has that version.
Rows of older versions and the least recently stored ones beyond `size` are pruned now and then.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from vectorstore.schema import shared_results

_PRUNE_EVERY = 64  # stores, on average


class SharedResults:
    def __init__(self, engine: Engine, size: int) -> None:
        self.engine = engine
        self.size = size

    def get(self, kind: str, key_hash: str, version: str) -> str | None:
        """The stored body, or None (also when the database cannot be read: the caller computes)."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(
                    select(shared_results.c.body).where(and_(
                        shared_results.c.kind == kind, shared_results.c.key_hash == key_hash,
                        shared_results.c.version == version))).scalar()
        except SQLAlchemyError:
            return None

    def put(self, kind: str, key_hash: str, version: str, body: str) -> None:
        row = {"kind": kind, "key_hash": key_hash, "version": version, "body": body,
               "stored_at": datetime.now(UTC)}
        try:
            with self.engine.begin() as connection:
                insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
                statement = insert(shared_results).values(row)
                connection.execute(statement.on_conflict_do_update(
                    index_elements=[shared_results.c.kind, shared_results.c.key_hash],
                    set_={name: statement.excluded[name] for name in ("version", "body", "stored_at")}))
                if random.randrange(_PRUNE_EVERY) == 0:
                    self._prune(connection, version)
        except SQLAlchemyError:
            return  # a result not shared is only computed again elsewhere

    def prune(self, version: str) -> None:
        """Drop the rows of other versions, then the least recently stored beyond `size`."""
        with self.engine.begin() as connection:
            self._prune(connection, version)

    def _prune(self, connection, version: str) -> None:
        connection.execute(delete(shared_results).where(shared_results.c.version != version))
        stored = connection.execute(select(func.count()).select_from(shared_results)).scalar()
        if stored > self.size:
            oldest = (select(shared_results.c.stored_at).order_by(shared_results.c.stored_at)
                      .offset(stored - self.size).limit(1).scalar_subquery())
            connection.execute(delete(shared_results).where(shared_results.c.stored_at < oldest))

    def __len__(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(shared_results)).scalar()
