"""Limits that the request guards need without importing the (pydantic) API models."""

MAX_BODY_BYTES = 128 * 1024
"""Largest request body accepted (413 above). An article item stays well under 400 KB."""

LIST_BYTE_BUDGET = 1_000_000
"""Most bytes of articles in one ``GET /articles`` page (the feeds' budget too). A page always
holds at least one article (at most ~130 KB as JSON), and the Lambda proxy envelope escapes a
body to at most three times its size, so an answer stays far below Lambda's 6 MB."""

PAGE_SIZE_MAX = 100
"""Largest ``limit`` of a ``GET /articles`` page (at least 1)."""

PAGE_SIZE_DEFAULT = 20
"""A ``GET /articles`` page without ``limit``."""

LIST_PARAMETER_CHARS = {"cursor": 300, "tag": 80, "author": 120}
"""``GET /articles``' string parameters and their longest length."""

ARTICLE_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}"
"""What an article id may be (opaque to clients; the API's ``ArticleId``)."""

SHOW_SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""What a show's slug may be: lower-case words joined by hyphens, at most
:data:`contentfeed.text.MAX_SLUG_CHARS` characters like every slug."""
