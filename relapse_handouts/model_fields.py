"""The value types of the content model's fields: what an id, a language tag, a text, a
condition or a web address may be, and the strict base every model class shares.
``model.py`` builds the content model from them.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .icons import check_icon

__all__ = ["Slug", "IconName", "LocaleTag", "Condition", "Markdown", "WebAddress", "Strict"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=60)]
# A drawn icon's name (relapse_handouts/icons.py), e.g. fever.
IconName = Annotated[str, AfterValidator(check_icon)]


# language[-Script][-REGION], e.g. en-CA, zh-Hans, pa: never a path.
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?")


def _language_tag(value: str) -> str:
    """A locale name is also a file and folder name: only language tags Babel knows."""
    from babel import Locale, UnknownLocaleError

    try:
        if not _LANGUAGE_TAG.fullmatch(value):
            raise ValueError
        Locale.parse(value, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValueError(
            "not a language tag Babel knows; write it like en-CA, fr-CA, zh-Hans or pa"
        ) from None
    return value


LocaleTag = Annotated[str, AfterValidator(_language_tag)]
Condition = Annotated[str, Field(min_length=1, max_length=300)]
Markdown = Annotated[str, Field(min_length=1, max_length=2000)]

# Hosts reserved for examples and tests (RFC 2606, RFC 6761): never printed on paper.
_PLACEHOLDER_HOSTS = ("example", "test", "invalid", "localhost")


def _real_address(url: str) -> str:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    labels = host.split(".")
    if (
        not host
        or labels[-1] in _PLACEHOLDER_HOSTS
        or (len(labels) >= 2 and labels[-2] == "example")
        or host.startswith("127.")
    ):
        raise ValueError(
            f"'{host or url}' is a placeholder address (example, test, invalid and localhost "
            "hosts are reserved); use the real published address, or leave the field out"
        )
    return url


WebAddress = Annotated[str, Field(pattern=r"^https?://\S+$"), AfterValidator(_real_address)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
