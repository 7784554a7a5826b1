"""Field types for request bodies: strict where pydantic's lax mode would guess, and each
limit stated in the OpenAPI from the domain's own constant, so it is written once.

- `Day`: a date only as the string "YYYY-MM-DD". Lax mode took `0` for 1970-01-01 and
  `1700006400` for a day in 2023, and the guess went into the permanent log.
- `MaxItems(n)`: a list of at most n entries, refused before its entries are even looked at
  (a request with 4,000 goals must not cost more than counting them).
- `MaxChars(n)` and `Between(lo, hi)` only state the domain's limit in the OpenAPI: the domain
  judges text after trimming and NFC normalisation, and numbers with its own sentence, which
  the web forms show too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from domain.values import EARLIEST_DAY, LATEST_DAY

# [0-9], not \d: \d also matches other scripts' digits, which date.fromisoformat refuses.
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # already a day (a Python caller, a default)
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise PydanticCustomError("iso_day", "A date is written as a string YYYY-MM-DD, such as 2019-03-31.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "iso_day", "{value} is not a day of the calendar.", {"value": value}
        ) from None


@dataclass(frozen=True)
class _DaySchema:
    """States the format and the range (the domain checks the range, with its own sentence)."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            formatMinimum=EARLIEST_DAY.isoformat(),
            formatMaximum=LATEST_DAY.isoformat(),
        )
        return json_schema


Day = Annotated[date, BeforeValidator(_iso_day), _DaySchema()]


@dataclass(frozen=True)
class MaxItems:
    """A list of at most `limit` entries: refused with a sentence before its entries are
    validated, and stated as maxItems."""

    limit: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["maxItems"] = self.limit
        return json_schema

    def _check(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > self.limit:
            raise PydanticCustomError(
                "too_many_items",
                "This list has {count} entries; the limit is {limit}.",
                {"count": len(value), "limit": self.limit},
            )
        return value


@dataclass(frozen=True)
class MaxChars:
    """States a text's limit as maxLength; the domain judges it (after trimming)."""

    limit: int

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["maxLength"] = self.limit
        return json_schema


@dataclass(frozen=True)
class Between:
    """States a number's range as minimum/maximum; the domain judges it."""

    minimum: float
    maximum: float

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(minimum=self.minimum, maximum=self.maximum)
        return json_schema
