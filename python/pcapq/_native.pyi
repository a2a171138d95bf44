"""Types of the native module ``pcapq._native`` (Rust, PyO3). Use the functions of
``pcapq`` instead: they build these arguments from keyword options."""

from typing import Any

__version__: str

class PcapqError(Exception):
    """An error from pcapq: the same one-line message the command line prints."""

class ArrowStream:
    """Record batches waiting for a consumer; read once through the Arrow PyCapsule
    protocol (``pyarrow.RecordBatchReader.from_stream``, ``polars.DataFrame``…)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...

def convert(argv: list[str]) -> dict[str, Any]:
    """``pcapq convert`` with these arguments (inputs after ``--``)."""

def tables(argv: list[str], names: list[str]) -> dict[str, ArrowStream]:
    """Converts the captures in memory and returns the named tables."""

def sql(argv: list[str], statement: str) -> ArrowStream:
    """Any SQL over a dataset (``--dataset``) or captures (``--input``)."""

def query(argv: list[str], id: str, params: list[tuple[str, str]]) -> ArrowStream:
    """A catalog question with its parameter values."""

def catalog_entries() -> list[dict[str, Any]]:
    """Every canned question with its parameters."""
