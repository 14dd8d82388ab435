"""A bucket's server access logging (PutBucketLogging), as one frozen value: where its log
records go. This module imports only the standard library."""
from __future__ import annotations

from dataclasses import dataclass

#: TargetObjectKeyFormat: ``[prefix]YYYY-mm-DD-HH-MM-SS-Unique`` or the partitioned form
SIMPLE, PARTITIONED = "SimplePrefix", "PartitionedPrefix"
#: PartitionedPrefix's PartitionDateSource
EVENT_TIME, DELIVERY_TIME = "EventTime", "DeliveryTime"


@dataclass(frozen=True)
class LoggingConfiguration:
    target_bucket: str
    target_prefix: str = ""
    #: None: S3 shows no TargetObjectKeyFormat (the simple format applies)
    key_format: str | None = None
    date_source: str = EVENT_TIME
