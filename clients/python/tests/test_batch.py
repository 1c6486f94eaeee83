"""to_batch without a broker: the column-by-column reading of EasyHard's common case gives exactly what the
record-by-record reading gives, and every other batch goes to the record-by-record reading."""
import numpy as np
import pytest

from easyhard import RecordError, codec
from easyhard import stream as st


class Message:
    """The parts of confluent_kafka.Message that to_batch reads."""

    def __init__(self, value, headers, key=None, topic="easyhard.weighted", offset=0):
        self._value, self._headers, self._key, self._topic, self._offset = value, headers, key, topic, offset

    def value(self):
        return self._value

    def headers(self):
        return self._headers

    def key(self):
        return self._key

    def topic(self):
        return self._topic

    def partition(self):
        return 0

    def offset(self):
        return self._offset


def message(i, suggestion=True, topic="easyhard.weighted", value=None, content_type=codec.PROTOBUF, **override):
    sample = codec.sample(f"s-{i}", [i / 8, -i / 4, 0.5], i % 10)
    headers = {st.WEIGHT: f"{i / 16}", st.DIFFICULTY: f"{i / 32}", st.NOISE: f"{1 - i / 64}", st.INFLUENCE: f"-{i}E-05",
               st.BUCKET: ["easy", "medium", "hard"][i % 3], st.MODEL_VERSION: f"{100 + i}"}
    if suggestion:
        headers.update({st.SUGGESTED_LABEL: f"{(i + 1) % 10}", st.SUGGESTED_LABEL_P: f"{i / 40}"})
    headers[st.CONTENT_TYPE] = content_type
    headers.update(override)
    if value is None:
        value = codec.encode_protobuf(sample) if content_type == codec.PROTOBUF else codec.encode_json(sample)
    return Message(value, [(k, None if v is None else v.encode()) for k, v in headers.items()], key=sample.id.encode(), topic=topic, offset=i)


def assert_same(batch, expected):
    assert batch.ids == expected.ids and batch.scores.bucket == expected.scores.bucket
    for name in ("features", "labels", "weights", "quarantined"):
        a, b = getattr(batch, name), getattr(expected, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    for name in ("noise", "difficulty", "influence", "model_version", "suggested_label", "suggested_label_p"):
        a, b = getattr(batch.scores, name), getattr(expected.scores, name)
        if b is None:
            assert a is None, name
        else:
            assert a.dtype == b.dtype, name
            np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.parametrize("suggestion", [True, False])
@pytest.mark.parametrize("quarantine", [None, "easyhard.quarantine"])
def test_columns_of_the_common_case_are_what_the_record_by_record_reading_gives(suggestion, quarantine):
    messages = [message(i, suggestion, topic="easyhard.quarantine" if i % 4 == 0 else "easyhard.weighted") for i in range(1, 40)]

    assert st._columnar_batch(messages, quarantine) is not None
    batch = st.to_batch(messages, quarantine)

    assert_same(batch, st._row_batch(messages, quarantine))
    assert batch.ids[:2] == ["s-1", "s-2"] and batch.labels[1] == 2 and batch.weights[3] == np.float32(0.25)
    assert batch.scores.model_version[0] == 101 and batch.scores.bucket[:3] == ["medium", "hard", "easy"]
    assert list(batch.quarantined[:4]) == [False, False, False, quarantine is not None]


@pytest.mark.parametrize("messages", [
    [message(1), message(2, suggestion=False)],  # suggestions on some records only
    [message(1), message(2, content_type=codec.JSON)],  # a JSON value
    [message(1), Message(codec.encode_protobuf(codec.sample("", [1.0, 2.0, 3.0], 4)), message(2).headers(), key=b"from-key")],  # id in the key only
    [message(1), message(2, **{"x-trace": "abc"})],  # another header on one record
    [message(1), message(2, value=codec.encode_protobuf(codec.sample("s-2", [1.0], 1)))],  # another dimension... read, then refused
], ids=["some-suggestions", "json", "id-from-key", "extra-header", "dimensions"])
def test_other_batches_are_read_record_by_record(messages):
    assert st._columnar_batch(messages, None) is None
    try:
        expected = st._row_batch(messages, None)
    except ValueError as e:
        with pytest.raises(type(e), match="different dimensions"):
            st.to_batch(messages)
        return
    assert_same(st.to_batch(messages), expected)


@pytest.mark.parametrize("override, problem", [
    ({st.WEIGHT: "heavy"}, "header 'easyhard-weight' is not a number"),
    ({st.NOISE: "NaN"}, "header 'easyhard-noise' is NaN"),
    ({st.MODEL_VERSION: None}, "header 'easyhard-model-version' is not a number"),
    ({st.BUCKET: ""}, "header 'easyhard-bucket' is missing"),
])
def test_a_bad_record_among_good_ones_is_named(override, problem):
    messages = [message(1), message(2, **override), message(3)]

    with pytest.raises(RecordError, match=f"easyhard.weighted \\[0\\] @ 2: {problem}"):
        st.to_batch(messages)


def test_a_missing_header_is_named():
    good = message(1)
    bad = Message(good.value(), [(k, v) for k, v in message(2).headers() if k != st.INFLUENCE], offset=2)

    with pytest.raises(RecordError, match="@ 2: header 'easyhard-influence' is missing"):
        st.to_batch([good, bad])
