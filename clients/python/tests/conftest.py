"""Shared fixtures: the package importable from the repository, and librdkafka's mock cluster as a Kafka broker."""
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from confluent_kafka import Producer  # noqa: E402


@pytest.fixture(scope="session")
def kafka():
    """librdkafka's built-in mock cluster (3 brokers on 127.0.0.1), kept alive by the client that created it."""
    owner = Producer({"test.mock.num.brokers": 3, "log_level": 3})
    brokers = owner.list_topics(timeout=10).brokers.values()
    yield ",".join(f"{b.host}:{b.port}" for b in brokers)
    owner.flush(5)


@pytest.fixture
def topic():
    return f"test-{uuid.uuid4().hex[:10]}"
