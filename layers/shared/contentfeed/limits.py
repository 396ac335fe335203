"""Limits that the request guards need without importing the (pydantic) API models."""

MAX_BODY_BYTES = 128 * 1024
"""Largest request body accepted (413 above). An article item stays well under 400 KB."""
