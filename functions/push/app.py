"""The push consumer: DynamoDB stream → WebSub hub pings (``hub.mode=publish``).

Each stream record of an article or a show names the feeds it changed (the site's, its tags',
its authors', its show's); the hub is told about every one of their URLs. Records whose pings fail after retries are reported back as batch item
failures, so Lambda retries only those (and finally sends them to the on-failure destination).
With no hub configured nothing is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from contentfeed.config import ConfigError, get_settings
from contentfeed.dal.keys import is_article_pk, is_show_pk
from contentfeed.logic.push import affected_scopes, feed_urls, ping_hub, show_scopes

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def clock() -> datetime:
    return datetime.now(UTC)


def record_handler(record: DynamoDBRecord) -> None:
    settings = get_settings()
    if not settings.websub_hub_url or record.dynamodb is None:
        return
    keys = record.dynamodb.keys
    pk = str(keys.get("pk", ""))
    if is_article_pk(pk):
        scopes = affected_scopes(record.dynamodb.old_image, record.dynamodb.new_image, now=clock())
    elif is_show_pk(pk):
        scopes = show_scopes(keys)
    else:
        return  # feed entries and markers change with their article or show: its record says it
    if not scopes:
        return
    if not settings.feeds_base_url:
        raise ConfigError("PUBLIC_BASE_URL or API_URL must be set for hub pings to name the feeds")
    urls = feed_urls(settings.feeds_base_url, scopes)
    ping_hub(settings.websub_hub_url, urls)
    metrics.add_metric(name="HubPings", unit=MetricUnit.Count, value=len(urls))
    logger.info("hub notified", article=keys.get("pk"), feeds=len(urls))


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response: dict[str, Any] = process_partial_response(  # type: ignore[assignment]
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return response
