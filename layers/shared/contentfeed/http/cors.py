"""CORS for browser apps on other sites: anyone may read; writes still need a key."""

from __future__ import annotations

from contentfeed.http.proxy import Cors

CORS = Cors(
    allow_origin="*",
    expose_headers=("ETag", "Last-Modified", "Link", "Location", "Retry-After"),
    max_age=600,
)
