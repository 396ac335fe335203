"""CORS for browser apps on other sites: anyone may read; writes still need a key."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import CORSConfig

CORS = CORSConfig(
    allow_origin="*",
    expose_headers=["ETag", "Last-Modified", "Link", "Location", "Retry-After"],
    max_age=600,
)
