"""Redaction of AWS credential material in the forms botocore logs it at DEBUG (lines as botocore 1.44 prints them)."""

from __future__ import annotations

import pytest

from bot.runtime.logs import Redact

TOKEN = "FQoGZXIvYXdzEBYaDdUwT5rK4OVoAnOF37H2GRTcKNnMnk+/ys=="
SECRET = "83hOH04hA4B2GKe+Ym7ri7Z0Mcx2MtNcyVpjYe9g"
SIGNATURE = "4d6c5ece398ab8efb05c449bb9d73e52d44b2a80eed56314c4de6ac2c43fba26"
KEY_ID = "ASIARZPUZDIKC6X52U5A"


@pytest.mark.parametrize(
    "line",
    [
        # botocore.auth: the canonical request and the signature of SigV4, the string to sign of presigning.
        f"CanonicalRequest:\nPOST\n/\n\nhost:127.0.0.1:1\nx-amz-date:20261202T122042Z\nx-amz-security-token:{TOKEN}\n\nhost;x-amz-date",
        f"Signature:\n{SIGNATURE}",
        f"StringToSign:\nGET\n\n\n1796217645\nx-amz-security-token:{TOKEN}\n/b/k",
        # botocore.endpoint: the prepared request's headers.
        f"headers={{'X-Amz-Date': b'20261202T122042Z', 'X-Amz-Security-Token': b'{TOKEN}', 'Authorization': "
        f"b'AWS4-HMAC-SHA256 Credential={KEY_ID}/20261202/us-east-1/sts/aws4_request, SignedHeaders=host, Signature={SIGNATURE}'}}",
        # A presigned URL.
        f"http://127.0.0.1:1/b/k?AWSAccessKeyId={KEY_ID}&Signature=IyVyauV8XhWQ%3D&x-amz-security-token={TOKEN}&Expires=1",
        f"https://b.s3.amazonaws.com/k?X-Amz-Credential={KEY_ID}%2F20261202&X-Amz-Security-Token={TOKEN}&X-Amz-Signature={SIGNATURE}",
        # botocore.parsers: STS's answer (XML), and the JSON of the container and instance credential providers.
        f"Response body:\nb'<Credentials><AccessKeyId>{KEY_ID}</AccessKeyId><SecretAccessKey>{SECRET}</SecretAccessKey>"
        f"<SessionToken>{TOKEN}</SessionToken><Expiration>2026-12-02T13:21:12Z</Expiration></Credentials>'",
        f'{{"AccessKeyId": "{KEY_ID}", "SecretAccessKey": "{SECRET}", "Token": "{TOKEN}", "Expiration": "2026-12-02T13:21:12Z"}}',
    ],
)
def test_aws_credential_material_is_masked(line: str) -> None:
    masked = Redact().mask(line)
    for secret in (TOKEN, SECRET, SIGNATURE, KEY_ID, "IyVyauV8XhWQ"):
        assert secret not in masked
    assert "[redacted]" in masked or "[aws-key-id]" in masked


def test_what_is_not_a_credential_stays_readable() -> None:
    line = "Calculating signature using v4 auth. NextToken: abc123 SignedHeaders=host;x-amz-date region us-east-1"
    assert Redact().mask(line) == line
