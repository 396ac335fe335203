"""Domain models (plain dataclasses, cheap to import) and API models (pydantic, in ``api``)."""

from contentfeed.models.article import Article, Contributor, Image, Person, Status, Tombstone

__all__ = ["Article", "Contributor", "Image", "Person", "Status", "Tombstone"]
