"""How to read inputs: the column mapping for tables and the size limits against hostile files."""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.errors import UsageError
from wiretrace.settings import DEFAULT, Settings


@dataclass(frozen=True)
class ReadOptions:
    """Reader options: which table column holds each field, and the limits from ``Settings``.

    ``id_col``/``text_col``/``date_col``/``outlet_col`` name the columns (CSV/TSV/Parquet) or fields
    (JSON/JSONL) holding the article id, text, date and outlet; the defaults are the field names.
    """

    id_col: str = "id"
    text_col: str = "text"
    date_col: str = "date"
    outlet_col: str = "outlet"
    max_article_bytes: int = DEFAULT.max_article_bytes
    max_decompressed_bytes: int = DEFAULT.max_decompressed_bytes
    max_compression_ratio: float = DEFAULT.max_compression_ratio
    max_document_bytes: int = DEFAULT.max_document_bytes
    repair_mojibake: bool = True

    @classmethod
    def from_settings(cls, settings: Settings = DEFAULT, **columns: str | None) -> "ReadOptions":
        """Options with the limits of ``settings`` and any column names given (None keeps the default)."""
        names = {key: value for key, value in columns.items() if value is not None}
        unknown = sorted(set(names) - {"id_col", "text_col", "date_col", "outlet_col"})
        if unknown:
            raise UsageError(f"unknown column option(s): {', '.join(unknown)}")
        for key, value in names.items():
            if not str(value).strip():
                raise UsageError(f"--{key.replace('_', '-')} needs a column name")
        return cls(
            max_article_bytes=settings.max_article_bytes,
            max_decompressed_bytes=settings.max_decompressed_bytes,
            max_compression_ratio=settings.max_compression_ratio,
            max_document_bytes=settings.max_document_bytes,
            **{key: str(value).strip() for key, value in names.items()},
        )

    def column_map(self) -> dict[str, str]:
        """Input column name → article field, for the columns that are mapped to another name."""
        pairs = {self.id_col: "id", self.text_col: "text", self.date_col: "date", self.outlet_col: "outlet"}
        return {column: field for column, field in pairs.items() if column != field}


DEFAULT_OPTIONS = ReadOptions()
