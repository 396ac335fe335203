"""Configuration: one validated model, read from the environment once.

Logic never reads ``os.environ``; handlers call :func:`get_settings` and pass the result down.
The template's ``Environment.Variables`` and the local server set exactly these names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """The environment does not describe a usable configuration."""


def _url(name: str, value: str, *, required: bool, base: bool = True) -> str:
    """An absolute http(s) URL; a ``base`` loses its trailing slash (paths are appended to it)."""
    if not value:
        if required:
            raise ConfigError(f"{name} must be set to an absolute http(s) URL")
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an absolute http(s) URL, got {value!r}")
    return value.rstrip("/") if base else value


def _urls(name: str, value: str) -> tuple[str, ...]:
    """A comma-separated list of absolute http(s) base URLs."""
    return tuple(
        _url(name, part.strip(), required=True) for part in value.split(",") if part.strip()
    )


def _int(name: str, value: str, *, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from exc
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {number}")
    return number


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service is told by its environment."""

    table_name: str
    site_url: str
    """The public site the articles live on; default article URLs are ``{site_url}/{slug}``."""
    site_title: str
    site_description: str
    site_language: str
    public_base_url: str
    """Where the API is reached publicly (a custom domain or CloudFront). Empty: derived per request."""
    allowed_base_urls: tuple[str, ...]
    """Base URLs the request's ``Host`` may choose among when ``public_base_url`` is empty (the
    local server lists its own addresses here); the first one answers any other ``Host``."""
    websub_hub_url: str
    api_url: str
    """The API's own stage URL; names the feeds in hub pings when ``public_base_url`` is empty."""
    feed_size: int
    """Items per feed page."""
    feed_ttl_minutes: int
    """The feeds' refresh hint (RSS ``ttl``, ``sy:updatePeriod``; ``Cache-Control`` takes at most
    five minutes of it)."""
    dynamodb_endpoint_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        table_name = env.get("TABLE_NAME", "")
        if not table_name:
            raise ConfigError("TABLE_NAME must be set")
        return cls(
            table_name=table_name,
            site_url=_url("SITE_URL", env.get("SITE_URL", "https://example.com"), required=True),
            site_title=env.get("SITE_TITLE", "contentfeed"),
            site_description=env.get("SITE_DESCRIPTION", "Articles published with contentfeed"),
            site_language=env.get("SITE_LANGUAGE", "en"),
            public_base_url=_url("PUBLIC_BASE_URL", env.get("PUBLIC_BASE_URL", ""), required=False),
            allowed_base_urls=_urls("ALLOWED_BASE_URLS", env.get("ALLOWED_BASE_URLS", "")),
            websub_hub_url=_url(
                "WEBSUB_HUB_URL", env.get("WEBSUB_HUB_URL", ""), required=False, base=False
            ),
            api_url=_url("API_URL", env.get("API_URL", ""), required=False),
            feed_size=_number("FEED_SIZE", env),
            feed_ttl_minutes=_number("FEED_TTL_MINUTES", env),
            dynamodb_endpoint_url=_url(
                "DYNAMODB_ENDPOINT_URL", env.get("DYNAMODB_ENDPOINT_URL", ""), required=False
            ),
        )

    @property
    def feeds_base_url(self) -> str:
        """Where the feeds are served, for messages that leave without a request (hub pings)."""
        return self.public_base_url or self.api_url


NUMBERS: dict[str, tuple[int, int, int]] = {
    "FEED_SIZE": (20, 1, 100),
    "FEED_TTL_MINUTES": (15, 1, 1440),
}
"""Numeric settings: (default, lowest, highest). The template's parameters that set them
(``FeedSize``, ``FeedTtlMinutes``) declare the same; a test holds them together."""


def _number(name: str, env: Mapping[str, str]) -> int:
    default, low, high = NUMBERS[name]
    return _int(name, env.get(name, str(default)), low=low, high=high)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once (tests call ``get_settings.cache_clear()``)."""
    return Settings.from_env(os.environ)
