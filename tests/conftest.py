"""Fixtures shared by the test packages: a real S3 endpoint (moto's server on 127.0.0.1, a
random port) and fresh buckets made with boto3 (the I/O tests and the end-to-end CLI tests)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from schemas.options import S3Options, StorageOptions

#: Fake credentials and isolation from any real AWS configuration of the machine.
_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a moto S3 server for the session, with fake credentials
    in the environment (and no endpoint variables, so tests choose how to point at it)."""
    pytest.importorskip("pyarrow.fs")
    server_module = pytest.importorskip("moto.server")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _AWS_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_options(s3_endpoint: str) -> StorageOptions:
    return StorageOptions(s3=S3Options(endpoint_url=s3_endpoint, region="us-east-1"))


@pytest.fixture
def make_bucket(s3_endpoint: str) -> Callable[[], str]:
    """Create a fresh, empty bucket; returns its name."""
    boto3 = pytest.importorskip("boto3")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")

    def make() -> str:
        name = f"test-{uuid.uuid4().hex[:16]}"
        client.create_bucket(Bucket=name)
        return name

    return make


@pytest.fixture
def s3_client(s3_endpoint: str):  # type: ignore[no-untyped-def]
    """A boto3 client on the moto server: to put inputs and look at outputs independently."""
    boto3 = pytest.importorskip("boto3")
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
