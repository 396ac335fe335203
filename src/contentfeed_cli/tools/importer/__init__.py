"""``contentfeed import SOURCE``: articles from an RSS 2.0, RSS 1.0, Atom or JSON Feed (1.0 and
1.1), or from an export.

Feed entries keep the id their readers know them by: the entry's guid (RSS ``<guid>``, Atom
``<id>``, JSON Feed ``id``, else its link) becomes the article's ``guid``, verbatim, which RSS
and JSON Feed show as it is and Atom as itself or a ``urn:uuid`` derived from it
(:mod:`contentfeed.rendering.identity`). The article's own id is ``uuid5(IMPORT_NAMESPACE,
guid)``, the same on every run: running an import again updates the same articles, and writes
only those that changed. The source's dates are kept: ``published_at`` from the published date,
``modified_at`` from the updated/modified date (else the published one), so readers are not
told that everything changed on the day of the move.

Enclosures become the article's image (the first image) and attachments (every other one), and
iTunes episode fields its ``podcast`` fields. Nothing is dropped silently: whatever an entry
loses on the way in (an embed, an element the sanitiser removes, an enclosure without a type,
a tag, an extension) is reported for that entry and counted in
the summary; with ``--strict`` any loss is an error and nothing is written. An entry whose
content is over :data:`MAX_CONTENT_CHARS` is refused with one line while the rest imports.

Input that is not what it claims (an empty file, an HTML page, a truncated feed, JSON that is
not a JSON Feed, an export line without ``id``) stops the run before any write, with one line.

A ``.jsonl`` source is what ``contentfeed export`` writes: one article per line, put back under
its ``id``.
"""

from contentfeed_cli.tools.importer.entries import IMPORT_NAMESPACE, Item
from contentfeed_cli.tools.importer.run import ImportOptions, parse_items, run_import

__all__ = ["IMPORT_NAMESPACE", "ImportOptions", "Item", "parse_items", "run_import"]
