"""pcapq from Python: packet captures as Arrow tables, and traffic questions answered in SQL.

The same Rust core as the ``pcapq`` command line (no second implementation): the same
dissector, flow tracker, application parsers, catalog and error messages. Tables arrive
as ``pyarrow.Table`` through the Arrow C stream interface, without a copy, so
``.to_pandas()`` and ``polars.from_arrow()`` work as usual.

    >>> import pcapq
    >>> pkts = pcapq.packets("trace.pcap")            # pyarrow.Table, one row per frame
    >>> df = pkts.to_pandas()
    >>> pcapq.flows("trace.pcap", tcp_timeout=60)     # one row per bidirectional flow
    >>> pcapq.convert(["a.pcap", "b.pcapng.gz"], "ds", force=True)
    >>> pcapq.query("top-hosts-by-bytes", dataset="ds", n=5)
    >>> pcapq.sql("SELECT count(*) FROM flows", dataset="ds")

Keyword options are the command line's options with ``_`` for ``-``: ``max_flows=1000``
is ``--max-flows 1000``, ``no_app=True`` is ``--no-app``; ``pcapq convert --help`` lists
them. Every failure raises :class:`PcapqError` with the command line's one-line message.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Union

import pyarrow as pa

from . import _native
from ._native import PcapqError

__all__ = [
    "PcapqError",
    "catalog",
    "convert",
    "flows",
    "packets",
    "query",
    "sql",
    "tables",
]

__version__: str = _native.__version__

PathLike = Union[str, "os.PathLike[str]"]
"""A path given as text or as a path object."""

TABLE_NAMES = ("packets", "flows", "dns", "http", "captures")
"""The tables a conversion produces, in the order ``pcapq schema`` lists them."""


def _paths(captures: PathLike | Iterable[PathLike]) -> list[str]:
    """One path or many, as text."""
    if isinstance(captures, (str, bytes, os.PathLike)):
        captures = [captures]
    paths = [os.fsdecode(p) for p in captures]
    if not paths:
        raise PcapqError("no capture given")
    return paths


def _options(options: Mapping[str, Any]) -> list[str]:
    """Keyword options as command-line arguments: ``True`` is a bare flag, ``False`` and
    ``None`` leave it out, a list repeats it."""
    argv: list[str] = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv += [flag, _text(item)]
        else:
            argv += [flag, _text(value)]
    return argv


def _text(value: Any) -> str:
    """An option's value as the command line would read it."""
    if isinstance(value, (str, bytes, os.PathLike)):
        return os.fsdecode(value)
    return str(value)


def _plain(t: pa.DataType) -> pa.DataType:
    """``t`` with every ``string_view`` (in lists and structs too) as ``string``."""
    if t == pa.string_view():
        return pa.string()
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_plain(t.value_type)))
    if pa.types.is_large_list(t):
        return pa.large_list(t.value_field.with_type(_plain(t.value_type)))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_plain(f.type)) for f in t])
    return t


def _table(stream: Any) -> pa.Table:
    """A table from an object with ``__arrow_c_stream__`` (zero-copy). Text comes as
    ``string`` whatever the dataset's layout: the query engine reads a one-file dataset's
    text as ``string_view``, which pyarrow can neither sort nor ``take``, so those columns
    (only those) are cast."""
    table = pa.RecordBatchReader.from_stream(stream).read_all()
    schema = pa.schema([f.with_type(_plain(f.type)) for f in table.schema], metadata=table.schema.metadata)
    return table if schema == table.schema else table.cast(schema)


def _source(dataset: PathLike | None, captures: PathLike | Iterable[PathLike] | None) -> list[str]:
    """``-d DIR`` or ``-i CAPTURE``…; neither means ./ds, as on the command line."""
    if dataset is not None and captures is not None:
        raise PcapqError("give dataset= or captures=, not both")
    if dataset is not None:
        return ["--dataset", os.fsdecode(dataset)]
    if captures is not None:
        return [arg for path in _paths(captures) for arg in ("--input", path)]
    return []


def convert(
    captures: PathLike | Iterable[PathLike],
    output: PathLike,
    *,
    force: bool = False,
    quiet: bool = True,
    **options: Any,
) -> dict[str, Any]:
    """Converts captures into a dataset directory of Parquet files, as ``pcapq convert``.

    Returns what the run did: ``dataset`` (the directory), ``frames``, ``wire_bytes``,
    ``input_bytes``, ``flows``, ``flows_evicted``, ``decode_errors``, ``seconds`` and
    ``warnings`` (one line per damaged input). Options: ``strict``, ``no_flows``,
    ``no_app``, ``tcp_timeout``, ``udp_timeout``, ``icmp_timeout``, ``max_flows``,
    ``anonymize`` (a key file) and ``keep_names``. ``quiet=False`` shows a progress bar
    when stderr is a terminal.
    """
    argv = ["--output", os.fsdecode(output)]
    argv += _options({"force": force, "quiet": quiet, **options})
    return _native.convert(argv + ["--"] + _paths(captures))


def tables(
    captures: PathLike | Iterable[PathLike],
    names: Iterable[str] = TABLE_NAMES,
    **options: Any,
) -> dict[str, pa.Table]:
    """Converts captures in memory and returns the named tables (all five by default) from
    one pass. Options are those of :func:`convert`; ``pcapq schema`` documents every column."""
    argv = _options({"quiet": True, **options}) + ["--"] + _paths(captures)
    streams = _native.tables(argv, list(names))
    return {name: _table(stream) for name, stream in streams.items()}


def packets(captures: PathLike | Iterable[PathLike], **options: Any) -> pa.Table:
    """One row per frame, in capture order (several captures merged by time). Options are
    those of :func:`convert`; ``no_flows=True`` is fastest when flow ids are not needed."""
    return tables(captures, ["packets"], **options)["packets"]


def flows(captures: PathLike | Iterable[PathLike], **options: Any) -> pa.Table:
    """One row per bidirectional flow, with TCP connection state and, unless
    ``no_app=True``, the application layer (service, names, fingerprints)."""
    return tables(captures, ["flows"], **options)["flows"]


def sql(
    statement: str,
    *,
    dataset: PathLike | None = None,
    captures: PathLike | Iterable[PathLike] | None = None,
    **options: Any,
) -> pa.Table:
    """Any SQL (DataFusion's dialect) over the tables ``packets``, ``flows``, ``dns``,
    ``http``, ``captures`` and the catalog's views: of the dataset ``dataset``, or of
    ``captures`` converted in memory, or of ./ds. Options: the tracking options of
    :func:`convert` (with ``captures``), and ``geoip`` / ``asn`` for ``geo_country()``,
    ``asn()`` and ``as_org()``."""
    argv = _source(dataset, captures) + _options(options)
    return _table(_native.sql(argv, statement))


def query(
    id: str,
    *,
    dataset: PathLike | None = None,
    captures: PathLike | Iterable[PathLike] | None = None,
    **params_and_options: Any,
) -> pa.Table:
    """A catalog question (``pcapq query --list`` or :func:`catalog` lists them), e.g.
    ``query("top-hosts-by-bytes", dataset="ds", n=5)``. Keywords that name one of the
    question's parameters set it; the others are options, as for :func:`sql`."""
    names = {p["name"] for entry in catalog() if entry["id"] == id for p in entry["params"]}
    params = [(k, _text(v)) for k, v in params_and_options.items() if k in names]
    options = {k: v for k, v in params_and_options.items() if k not in names}
    argv = _source(dataset, captures) + _options(options)
    return _table(_native.query(argv, id, params))


def catalog() -> list[dict[str, Any]]:
    """Every canned question: ``id``, ``question``, ``source`` (the coursework it comes
    from), ``needs`` (lookup functions it needs a database for) and ``params`` (``name``,
    ``default``, ``accepts``, ``doc``)."""
    return _native.catalog_entries()
