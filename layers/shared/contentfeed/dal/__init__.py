"""Data access: the single DynamoDB table behind a small repository."""

from functools import lru_cache

from contentfeed.config import get_settings
from contentfeed.dal.items import Marker
from contentfeed.dal.store import ScopePage, Store

__all__ = ["Marker", "ScopePage", "Store", "default_store"]


@lru_cache(maxsize=1)
def default_store() -> Store:
    """The process's store for the configured table; its client is built on first use."""
    settings = get_settings()
    return Store(settings.table_name, endpoint_url=settings.dynamodb_endpoint_url)
