"""Exceptions raised by wiretrace.

The tree::

    WiretraceError                 base of everything wiretrace raises on purpose
    ├── InputError                 an input file/line cannot be read as articles (file, line, reason)
    │   ├── EmptyInputError        the input holds no text at all
    │   └── InputTooLargeError     an article or a decompressed input exceeds a size limit (zip bombs)
    ├── UsageError                 arguments that do not fit together (CLI exit code 1)
    ├── StoreError                 the DuckDB store is missing, locked, corrupt or of another version
    ├── StaleOutputError           a scan's previous pairs.jsonl is not what its state says (it is rewritten whole)
    ├── NotFoundError              an article, pair or cluster the store does not hold (web: 404)
    ├── DuplicateIdError           adding an article whose id the store already holds (web: 409)
    ├── EngineError                the Spark engine cannot start or a Spark job failed
    └── ModelError                 the embedding model (``semantic`` extra, ``--model PATH``) cannot be loaded

The CLI turns ``InputError`` into exit code 2 and ``UsageError`` into exit code 1, each with one
clear message and no traceback.
"""

from __future__ import annotations


class WiretraceError(Exception):
    """Base class of all errors wiretrace raises deliberately."""


class InputError(WiretraceError):
    """An input cannot be read as articles; names the file, the line (where it applies) and why."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.reason = reason
        where = f"{self.file}:{line}" if line is not None else self.file
        super().__init__(f"{where}: {reason}")


class EmptyInputError(InputError):
    """The input holds no article text (empty file, whitespace only, or no rows)."""


class InputTooLargeError(InputError):
    """An article, line or decompressed stream is bigger than the limit in ``Settings`` allows."""


class UsageError(WiretraceError):
    """Arguments or settings that do not fit together."""


class StoreError(WiretraceError):
    """The store file cannot be opened or is not a wiretrace store of a known version."""


class StaleOutputError(WiretraceError):
    """A previous pairs.jsonl does not hold what its state file says, so new pairs cannot be appended."""


class NotFoundError(WiretraceError):
    """An article, pair or cluster id that the store does not hold."""


class DuplicateIdError(WiretraceError):
    """An article cannot be added: the store already holds an article with that id."""


class EngineError(WiretraceError):
    """The Spark engine cannot start (no PySpark, no Java, bad master URL) or a Spark job failed."""


class ModelError(WiretraceError):
    """The embedding model cannot be loaded: extra not installed, folder missing or of an unsupported kind."""
