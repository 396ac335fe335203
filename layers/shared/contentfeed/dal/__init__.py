"""Data access: the single DynamoDB table behind a small repository."""

from contentfeed.dal.store import Marker, ScopePage, Store

__all__ = ["Marker", "ScopePage", "Store"]
