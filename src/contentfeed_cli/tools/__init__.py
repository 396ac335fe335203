"""The publishing tools behind ``contentfeed publish``, ``import`` and ``export``.

Each tool reads its source (Markdown files, a feed, a JSON-lines export), turns every item into
the API's input model (:class:`~contentfeed.models.api.ArticleIn`) and hands it to a
:mod:`~contentfeed_cli.tools.sink`: a running API or a DynamoDB table. Writing only what changed
(:mod:`~contentfeed_cli.tools.sync`) makes every run safe to repeat.
"""
