"""contentfeed's laptop side: the ``contentfeed`` command, the local server and the publishing tools.

Nothing here ships to Lambda: the runtime package is ``contentfeed`` (``layers/shared``), which
this package imports and never the other way round.
"""
