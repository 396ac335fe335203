"""The other methods on the article and show paths: 405 problem+json with ``Allow``, only.

API Gateway sends here every method the template does not route on ``/articles``,
``/articles/{id}``, ``/shows`` and ``/shows/{slug}``; those requests carry no key and pass no
authorizer. This function has no
access to the table and imports no code that writes, so whatever reaches it can store nothing
(the write routes, behind the authorizer, go to the API function).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from contentfeed.errors import ContentFeedError
from contentfeed.http.cors import CORS
from contentfeed.http.problem import from_error
from contentfeed.http.proxy import Response, Router
from contentfeed.http.routes import not_allowed

logger = Logger()


def handle_not_found(method: str, path: str) -> Response:
    return from_error(not_allowed(method, path))


def handle_error(error: ContentFeedError) -> Response:
    return from_error(error)


router = Router(on_error=handle_error, on_not_found=handle_not_found, cors=CORS)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return router.resolve(event)
