"""moto's server on loopback with what change alerts need: Config's SNS topic, the queue and its DLQ, the bucket.

moto emulates SNS → SQS (enveloped and raw), SQS visibility, long polling and redrive, and S3 well
(AWS-NOTES §6). boto3 reaches it through `AWS_ENDPOINT_URL`, like any endpoint. When `endpoint` is given
(e.g. `AWS_ENDPOINT_URL` already points at a running moto), no server is started and the resources are
created there.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

# moto accepts any credentials; these keep boto3 from looking for real ones.
_KEY = "testing"


def _retention_checked_in_constant_time() -> None:
    """moto checks each message it hands out against the queue's retention period by computing every queue
    attribute, message counts included, several times over: a receive from a queue of n messages costs n²
    steps (a tenth of a second with a few hundred messages). The same check, reading the one attribute."""
    from moto.core.utils import unix_time
    from moto.sqs.models import Message, SQSBackend

    def valid(self: SQSBackend, queue_name: str, message: Message) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
        return retention + message.sent_timestamp / 1000 > unix_time()  # type: ignore[operator]

    SQSBackend.is_message_valid_based_on_retention_period = valid  # type: ignore[method-assign]


_retention_checked_in_constant_time()


@dataclass(frozen=True)
class AlertResources:
    """What a Config delivery channel feeding pkgwhen consists of."""

    topic_arn: str
    queue_url: str
    dlq_url: str
    bucket: str


_shared: dict[str, ThreadedMotoServer] = {}
_shared_lock = threading.Lock()


def shared_endpoint() -> str:
    """One moto server for the whole process, started on first use: moto's state is process-wide anyway,
    and starting and stopping a server per workspace would cost a second each."""
    with _shared_lock:
        if "server" not in _shared:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            _shared["server"] = server
        host, port = _shared["server"].get_host_and_port()
    return f"http://{host}:{port}"


class MotoAws:
    """Start (or reuse) moto and create a topic → queue (with DLQ) subscription and a bucket, uniquely named."""

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        endpoint: str | None = None,
        max_receive_count: int = 5,
        queue_visibility_s: int = 30,
    ) -> None:
        self.region = region
        self._endpoint = endpoint
        self._server: ThreadedMotoServer | None = None
        self.max_receive_count = max_receive_count
        self.queue_visibility_s = queue_visibility_s
        self.resources: AlertResources | None = None

    @property
    def url(self) -> str:
        if self._endpoint is None:
            raise RuntimeError("moto is not started")
        return self._endpoint

    def start(self) -> MotoAws:
        if self._endpoint is None:
            # moto's HTTP server logs every request through werkzeug; the demo console must stay readable.
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self._server.start()
            host, port = self._server.get_host_and_port()
            self._endpoint = f"http://{host}:{port}"
        self.resources = self._create()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._endpoint = None

    def __enter__(self) -> MotoAws:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- clients --------------------------------------------------------------------------------------

    def sqs(self) -> SQSClient:
        return boto3.client(
            "sqs",
            region_name=self.region,
            endpoint_url=self.url,
            aws_access_key_id=_KEY,
            aws_secret_access_key=_KEY,
            aws_session_token=_KEY,
        )

    def sns(self) -> SNSClient:
        return boto3.client(
            "sns",
            region_name=self.region,
            endpoint_url=self.url,
            aws_access_key_id=_KEY,
            aws_secret_access_key=_KEY,
            aws_session_token=_KEY,
        )

    def s3(self) -> S3Client:
        return boto3.client(
            "s3",
            region_name=self.region,
            endpoint_url=self.url,
            aws_access_key_id=_KEY,
            aws_secret_access_key=_KEY,
            aws_session_token=_KEY,
        )

    # --- what the queue holds -------------------------------------------------------------------------

    def visible(self, queue_url: str | None = None) -> int:
        """Messages waiting (visible) plus in flight (received, not deleted)."""
        attributes = self.sqs().get_queue_attributes(
            QueueUrl=queue_url or self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    @property
    def queue_url(self) -> str:
        assert self.resources is not None, "start() first"
        return self.resources.queue_url

    def _create(self) -> AlertResources:
        # moto's state is shared by every server in the process: unique names keep workspaces apart.
        suffix = uuid.uuid4().hex[:10]
        sqs, sns, s3 = self.sqs(), self.sns(), self.s3()
        dlq_url = sqs.create_queue(QueueName=f"pkgwhen-alerts-dlq-{suffix}")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        queue_url = sqs.create_queue(
            QueueName=f"pkgwhen-alerts-{suffix}",
            Attributes={
                "VisibilityTimeout": str(self.queue_visibility_s),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(self.max_receive_count)}
                ),
            },
        )["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        topic_arn = sns.create_topic(Name=f"config-topic-{suffix}")["TopicArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        bucket = f"config-bucket-{suffix}"
        if self.region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.region})  # type: ignore[typeddict-item]
        return AlertResources(topic_arn=topic_arn, queue_url=queue_url, dlq_url=dlq_url, bucket=bucket)
