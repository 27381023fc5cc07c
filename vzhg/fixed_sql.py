"""Reads of a fixed shape as SQL built once per process (issue 15, "fast under a rush").

The ORM compiles a query anew on every call; for the few reads a rush repeats thousands of times
(the event, the person behind the log-in, the row lock of the event) that costs more than the
round trip. `fixed_read` builds the statement once per process from the models' metadata (every
identifier quoted from `_meta`, every value a parameter) and turns rows into the instances the ORM
would give: `Model.from_db` with the ORM's converters, and the relations of `related` cached as
`select_related` caches them (None for a missing one; a one-to-one also from the other side).
Tests compare each read field by field with the ORM's (tests/events/test_registration_queries.py,
tests/members/test_selectors.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models import signals
from django.db.transaction import TransactionManagementError


@dataclass(frozen=True)
class _Part:
    path: tuple[str, ...]  # relation names from the model: ("organisation", "region")
    field: Any  # the forward relation on the model of path[:-1]
    model: Any
    names: tuple[str, ...]  # attribute names of the columns, in order
    pk_index: int


@dataclass(frozen=True)
class FixedRead:
    """One statement: call `one(*params)`, `get(*params)` or `all(*params)`."""

    model: Any
    alias: str
    sql: str
    parts: tuple[_Part, ...]  # the model itself first (path ()), then each relation
    converters: tuple
    for_update: bool

    def _rows(self, params, fetch_one: bool):
        connection = connections[self.alias]
        if self.for_update and connection.get_autocommit():  # as the ORM's select_for_update
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, list(params))
            if fetch_one:
                row = cursor.fetchone()
                return [] if row is None else [row]
            return cursor.fetchall()

    def one(self, *params):
        rows = self._rows(params, fetch_one=True)
        return self._instance(rows[0]) if rows else None

    def get(self, *params):
        """one(), raising the model's DoesNotExist when there is no row (as QuerySet.get)."""
        instance = self.one(*params)
        if instance is None:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        return instance

    def all(self, *params) -> list:
        return [self._instance(row) for row in self._rows(params, fetch_one=False)]

    def rows(self, *params) -> list[tuple]:
        """The rows as the database gives them, for instances made later (`instance`): a cache of
        rows gives every request its own instances."""
        return [tuple(row) for row in self._rows(params, fetch_one=False)]

    def instance(self, row):
        """The instance (with its relations) of one row of `rows`, as `one` or `all` make it."""
        return self._instance(row)

    def _instance(self, row):
        values = [convert(value) for convert, value in zip(self.converters, row, strict=True)]
        objects: dict[tuple[str, ...], object] = {}
        start = 0
        for part in self.parts:
            chunk = values[start : start + len(part.names)]
            start += len(part.names)
            obj = None if chunk[part.pk_index] is None else part.model.from_db(self.alias, part.names, chunk)
            objects[part.path] = obj
            if not part.path:
                continue
            parent = objects[part.path[:-1]]
            if parent is not None:
                part.field.set_cached_value(parent, obj)
                if obj is not None and part.field.one_to_one:
                    part.field.remote_field.set_cached_value(obj, parent)
        return objects[()]


def fixed_read(
    model,
    *,
    where: tuple = (),
    related: tuple[str, ...] = (),
    order_by: tuple[str, ...] = ("pk",),
    limit: int | None = None,
    for_update: bool = False,
) -> FixedRead:
    """The read of `model` (for the database its router reads from, or writes to for
    `for_update`): every concrete column of the model and of each relation in `related` (paths
    as select_related takes them, "organisation__region"), LEFT OUTER JOINed; WHERE each of
    `where` equals a parameter (a pair (name, n): IN n parameters), in that order; ORDER BY
    `order_by` ascending; LIMIT; FOR UPDATE (of the model's row only when there are joins)."""
    alias = router.db_for_write(model) if for_update else router.db_for_read(model)
    return _build(model, alias, tuple(where), tuple(related), tuple(order_by), limit, for_update)


@functools.lru_cache(maxsize=64)
def _build(model, alias, where, related, order_by, limit, for_update) -> FixedRead:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    tables = {(): (table, model)}
    parts = [_part((), None, model)]
    columns = [f"{table}.{quote(f.column)}" for f in meta.concrete_fields]
    converters = [column_converter(connection, f) for f in meta.concrete_fields]
    joins = []
    for path in sorted({tuple(p.split("__")) for p in related}, key=len):
        parent_table, parent_model = tables[path[:-1]]
        field = parent_model._meta.get_field(path[-1])
        other_model = field.remote_field.model
        other = quote("fixed_" + "__".join(path))
        tables[path] = (other, other_model)
        joins.append(
            f" LEFT OUTER JOIN {quote(other_model._meta.db_table)} {other}"
            f" ON ({parent_table}.{quote(field.column)} = {other}.{quote(field.target_field.column)})"
        )
        columns += [f"{other}.{quote(f.column)}" for f in other_model._meta.concrete_fields]
        converters += [column_converter(connection, f) for f in other_model._meta.concrete_fields]
        parts.append(_part(path, field, other_model))

    def column(name: str) -> str:
        return f"{table}.{quote(meta.pk.column if name == 'pk' else meta.get_field(name).column)}"

    conditions = []
    for item in where:
        name, count = (item, None) if isinstance(item, str) else item
        if count is None:
            conditions.append(f"{column(name)} = %s")
        else:
            conditions.append(f"{column(name)} IN ({', '.join(['%s'] * count)})")
    sql = f"SELECT {', '.join(columns)} FROM {table}{''.join(joins)}"
    if conditions:
        sql += f" WHERE {' AND '.join(conditions)}"
    if order_by:
        sql += f" ORDER BY {', '.join(f'{column(name)} ASC' for name in order_by)}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    # Where the database has no row locks (SQLite locks the whole database when it writes) the
    # ORM leaves select_for_update out; so does this.
    for_update = for_update and connection.features.has_select_for_update
    if for_update:
        sql += f" FOR UPDATE OF {table}" if joins else " FOR UPDATE"
    return FixedRead(model, alias, sql, tuple(parts), tuple(converters), for_update)


def _part(path, field, model) -> _Part:
    names = tuple(f.attname for f in model._meta.concrete_fields)
    return _Part(path, field, model, names, names.index(model._meta.pk.attname))


def fixed_insert(objs: list) -> None:
    """`save()` of new rows of one model, the INSERT in one statement built once per process (per
    number of rows): for each object pre_save is sent, every concrete field's `pre_save` (auto_now,
    auto_now_add) and database value are taken as the ORM prepares them; the primary keys the
    database gives are set on the objects, which then count as saved, and post_save is sent for
    each (simple_history writes its row there). A model with its own `save()`, a primary key that
    is not an auto field, database defaults or generated columns goes through `save()`."""
    if not objs:
        return
    model: Any = type(objs[0])
    if not plain_insert(model):
        for obj in objs:
            obj.save(force_insert=True)
        return
    insert_as_save(objs)


def insert_as_save(objs: list, *, unique: str | None = None) -> bool:
    """fixed_insert without its check of the model (the caller knows it is a plain one).
    `unique` (one object only): see fixed_insert_new; False when nothing was written."""
    model: Any = type(objs[0])
    alias = router.db_for_write(model, instance=objs[0])
    connection = connections[alias]
    signal = not model._meta.auto_created  # as Model.save_base
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="save")
    if signal:
        for obj in objs:
            signals.pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
    if unique is None:
        sql, fields = _insert_sql(model, alias, len(objs))
    else:
        if len(objs) != 1:  # RETURNING gives only the rows written: one object, one answer
            raise ValueError("an INSERT … ON CONFLICT DO NOTHING writes one object")
        sql, fields = _insert_new_sql(model, alias, unique)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    if not keys:  # ON CONFLICT … DO NOTHING did nothing (as a failed save(): no post_save)
        return False
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
    if signal:
        for obj in objs:
            signals.post_save.send(
                sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias
            )
    return True


def fixed_insert_new(obj, *, unique: str) -> bool:
    """fixed_insert of one new row, unless a row with the same values for the model's
    UniqueConstraint named `unique` (its condition included) is there: then nothing is written,
    no post_save is sent (as when save() fails) and False is returned. One statement (INSERT … ON
    CONFLICT … DO NOTHING): no error, so no savepoint to undo one (issue 15: the registration of a
    rush that has not read whether the person is registered already)."""
    model: Any = type(obj)
    if not plain_insert(model):
        raise TypeError(f"{model.__name__} is not written by fixed_insert")
    return insert_as_save([obj], unique=unique)


@functools.lru_cache(maxsize=16)
def _insert_new_sql(model, alias: str, unique: str) -> tuple[str, tuple]:
    """_insert_sql's one row with ON CONFLICT on the constraint `unique` (conflict_target)."""
    [constraint] = [c for c in model._meta.constraints if c.name == unique]
    sql, fields = _insert_sql(model, alias, 1)
    head, returning = sql.rsplit(" RETURNING ", 1)
    target = conflict_target(model, constraint, connections[alias])
    return f"{head} ON CONFLICT {target} DO NOTHING RETURNING {returning}", fields


def conflict_target(model, constraint, connection) -> str:
    """The ON CONFLICT target of a UniqueConstraint of `model`: its columns and, for a
    conditional one (a partial unique index), its condition as the ORM compiles it, with its
    values written in as the schema editor writes them in the index (the database infers the
    index from that text, so they cannot be parameters)."""
    from django.db.models.sql.query import Query

    meta = model._meta
    quote = connection.ops.quote_name
    target = f"({', '.join(quote(meta.get_field(name).column) for name in constraint.fields)})"
    if constraint.condition is None:
        return target
    query = Query(model=model, alias_cols=False)
    where_sql, where_params = query.build_where(constraint.condition).as_sql(
        query.get_compiler(connection=connection), connection
    )
    editor = connection.SchemaEditorClass(connection)  # only its quote_value (no DDL, not entered)

    # The index's own text is the quoted value as is; the statement still takes parameters
    # ("%s"), so a "%" in it is doubled to come out as the index has it.
    literals = tuple(editor.quote_value(value).replace("%", "%%") for value in where_params)
    return f"{target} WHERE {where_sql % literals}"


@functools.lru_cache(maxsize=64)
def plain_insert(model, *, own_save: bool = False) -> bool:
    """A model whose rows fixed_insert can write (`own_save`: whatever its save() is)."""
    meta = model._meta
    return (
        (own_save or model.save is models.Model.save)
        and not meta.parents
        and meta.auto_field is not None
        and meta.pk is meta.auto_field
        and not any(f.has_db_default() or getattr(f, "generated", False) for f in meta.concrete_fields)
    )


@functools.lru_cache(maxsize=64)
def _insert_sql(model, alias: str, rows: int) -> tuple[str, tuple]:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    one = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES {', '.join([one] * rows)} RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def column_converter(connection, field):
    """The ORM's conversion of one column read from the database (none for most fields)."""
    steps = connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection)
    if not steps:
        return _same

    def convert(value):
        for step in steps:
            value = step(value, field.cached_col, connection)
        return value

    return convert


def _same(value):
    return value
