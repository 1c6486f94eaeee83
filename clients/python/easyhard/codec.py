"""The producer's `easyhard.v1.TrainingSample` in its two forms (src/Contracts/Protos/easyhard.proto):

* JSON: ``{"id": "s-1", "features": [0.1, ...] | "features_b64": "<little-endian float32>", "label": 3, ...}``
* protobuf: the same message in the binary wire format.

The protobuf decoder is a small hand-written reader of the six fields of TrainingSample, so that the client needs no
protobuf runtime; the tests check it against the code protoc generates from the same .proto and against bytes written
by EasyHard's C# encoder. Features come back as little-endian float32 bytes, ready for ``numpy.frombuffer``.
"""
from __future__ import annotations

import base64
import json
import math
import struct
import sys
from array import array
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Dict, Optional, Sequence

JSON = "application/json"
PROTOBUF = "application/x-protobuf"


class SampleFormatError(ValueError):
    """A value that is not a TrainingSample in the form it claims (or seems) to be."""


@dataclass
class TrainingSample:
    id: str
    features: bytes  # little-endian float32 (from a protobuf value: a memoryview of it, which compares equal)
    label: int
    source: str = ""
    human_difficulty: Optional[float] = None
    attributes: Dict[str, str] = field(default_factory=dict)

    @property
    def dimension(self) -> int:
        return len(self.features) // 4

    def feature_list(self) -> list:
        return list(struct.unpack(f"<{self.dimension}f", self.features))


def _float32_bytes(values: Sequence[float]) -> bytes:
    packed = array("f", values)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes()


def decode(value: bytes, content_type: Optional[str] = None) -> TrainingSample:
    """Decodes a producer's value; the content-type header decides, else a leading '{' means JSON."""
    if value is None:
        raise SampleFormatError("the record has no value")
    if content_type:
        is_json = content_type.lower().startswith(JSON)
    else:
        is_json = value.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] == b"{"
    return decode_json(value) if is_json else decode_protobuf(value)


def _parse_int(text: str):
    # A float32 feature of -0.0 is written as "-0", which int() would turn into +0.
    return -0.0 if text == "-0" else int(text)


def decode_json(value: bytes) -> TrainingSample:
    try:
        doc = json.loads(value, parse_int=_parse_int)
    except (ValueError, UnicodeDecodeError) as e:
        raise SampleFormatError(f"not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise SampleFormatError("JSON sample is not an object")
    if "sample" in doc and "weight" in doc:
        return _unwrap_envelope(doc)
    return _sample_of(doc)


def _unwrap_envelope(doc: dict) -> TrainingSample:
    """Sink:TrainerStream:Mode=envelope wraps the producer's sample: a JSON one as itself, a protobuf one as base64."""
    inner = doc["sample"]
    if isinstance(inner, dict):
        sample = _sample_of(inner)
    elif isinstance(inner, str):
        try:
            raw = base64.b64decode(inner, validate=True)
        except ValueError as e:
            raise SampleFormatError(f"envelope 'sample' is not base64: {e}") from None
        sample = decode(raw, doc.get("content_type"))
    else:
        raise SampleFormatError("envelope 'sample' is neither an object nor base64")
    if not sample.id and isinstance(doc.get("id"), str):
        sample.id = doc["id"]
    return sample


def _sample_of(doc: dict) -> TrainingSample:
    label = doc.get("label")
    if isinstance(label, float) and label == 0:
        label = 0  # "-0"
    if not isinstance(label, int) or isinstance(label, bool):
        raise SampleFormatError(f"JSON sample has no integer 'label' (got {label!r})")
    if "features_b64" in doc:
        try:
            features = base64.b64decode(doc["features_b64"], validate=True)
        except (ValueError, TypeError) as e:
            raise SampleFormatError(f"'features_b64' is not base64: {e}") from None
        if len(features) % 4:
            raise SampleFormatError(f"'features_b64' holds {len(features)} bytes, not whole float32 values")
    elif isinstance(doc.get("features"), list):
        try:
            features = _float32_bytes(doc["features"])
        except (TypeError, OverflowError) as e:
            raise SampleFormatError(f"'features' is not a list of numbers: {e}") from None
    else:
        raise SampleFormatError("JSON sample has neither 'features' nor 'features_b64'")
    attributes = doc.get("attributes") or {}
    difficulty = doc.get("human_difficulty")
    return TrainingSample(str(doc.get("id") or ""), features, label, str(doc.get("source") or ""),
                          None if difficulty is None else float(difficulty),
                          {str(k): str(v) for k, v in attributes.items()} if isinstance(attributes, dict) else {})


def _varint(data: bytes, pos: int) -> tuple:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise SampleFormatError("truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise SampleFormatError("varint longer than 10 bytes")


def _tag(data: bytes, pos: int) -> tuple:
    """(field number, wire type, position after the tag); the common one-byte tag read inline."""
    tag = data[pos]
    if tag < 0x80:
        return tag >> 3, tag & 7, pos + 1
    tag, pos = _varint(data, pos)
    return tag >> 3, tag & 7, pos


def _length_delimited(data: bytes, pos: int) -> tuple:
    length, pos = _varint(data, pos)
    end = pos + length
    if end > len(data):
        raise SampleFormatError(f"a field of {length} bytes runs past the end of the message")
    return data[pos:end], end


def _skip(data: bytes, pos: int, wire: int) -> int:
    if wire == 0:
        return _varint(data, pos)[1]
    if wire == 1:
        return pos + 8
    if wire == 2:
        return _length_delimited(data, pos)[1]
    if wire == 5:
        return pos + 4
    raise SampleFormatError(f"unsupported wire type {wire}")


def _utf8(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SampleFormatError(f"protobuf field '{name}' is not valid UTF-8") from None


def decode_protobuf(value: bytes, full: bool = True) -> TrainingSample:
    """With ``full=False`` only id, features and label are read (what a trainer's batch needs); the rest is skipped."""
    # One pass over the wire format with the common one-byte tags and lengths read inline: this runs once per record
    # a trainer reads. Features stay a view of the value until a batch copies them into its array.
    data = value if isinstance(value, bytes) else bytes(value)
    n = len(data)
    view = None
    sample_id, source, label, difficulty = "", "", 0, None
    chunks = []
    attributes: Dict[str, str] = {}
    pos = 0
    while pos < n:
        number, wire, pos = _tag(data, pos)
        if wire == 2:
            if pos >= n:
                raise SampleFormatError("truncated length")
            length = data[pos]
            if length < 0x80:
                pos += 1
            else:
                length, pos = _varint(data, pos)
            end = pos + length
            if end > n:
                raise SampleFormatError(f"a field of {length} bytes runs past the end of the message")
            if number == 2:  # packed features (proto3's default)
                if length % 4:
                    raise SampleFormatError(f"packed features hold {length} bytes, not whole float32 values")
                if view is None:
                    view = memoryview(data)
                chunks.append(view[pos:end])
            elif number == 1:
                sample_id = _utf8(data[pos:end], "id")
            elif not full:
                pass
            elif number == 4:
                source = _utf8(data[pos:end], "source")
            elif number == 6:
                key, val = _map_entry(data[pos:end])
                attributes[key] = val
            pos = end
        elif number == 3 and wire == 0:
            raw_label, pos = _varint(data, pos)
            raw_label &= 0xFFFFFFFF  # int32: negative values are sign-extended to 10 bytes
            label = raw_label - (1 << 32) if raw_label >= 1 << 31 else raw_label
        elif number == 2 and wire == 5:  # unpacked features, which parsers must also accept
            if pos + 4 > n:
                raise SampleFormatError("truncated feature")
            chunks.append(data[pos:pos + 4])
            pos += 4
        elif number == 5 and wire == 1 and full:
            if pos + 8 > n:
                raise SampleFormatError("truncated human_difficulty")
            difficulty = struct.unpack_from("<d", data, pos)[0]
            pos += 8
        else:
            pos = _skip(data, pos, wire)
            if pos > n:
                raise SampleFormatError("truncated field")
    features = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return TrainingSample(sample_id, features, label, source, difficulty, attributes)


def id_features_label(data: bytes) -> Optional[tuple]:
    """(id, features, label) of a protobuf value laid out as EasyHard's producers and protoc write the common case
    (1 id, 2 packed features, 3 label, in that order, lengths and label under 2^14 / 2^7, then any other fields, which
    a trainer's batch does not need), else None: then :func:`decode_protobuf` reads it whatever its layout. A batch
    whose values differ in layout (see :func:`ids_features_labels`) reads every record through here, so it is inline."""
    n = len(data)
    pos, sample_id, features = 0, "", b""
    if n > 1 and data[0] == 0x0A:
        length = data[1]
        if length >= 0x80:
            return None
        pos = 2 + length
        sample_id = data[2:pos].decode("utf-8")
    if pos + 2 < n and data[pos] == 0x12:
        length = data[pos + 1]
        if length < 0x80:
            pos += 2
        elif data[pos + 2] < 0x80:
            length = (length & 0x7F) | (data[pos + 2] << 7)
            pos += 3
        else:
            return None
        end = pos + length
        if end > n or length % 4:
            return None
        features = memoryview(data)[pos:end] if isinstance(data, bytes) else bytes(data[pos:end])
        pos = end
    label = _label_then_other_fields(data, pos)
    return None if label is None else (sample_id, features, label)


def ids_features_labels(values: Sequence[bytes]) -> Optional[tuple]:
    """:func:`id_features_label` of a whole batch, as three lists (ids, features, labels), when every value shares the
    first one's layout up to the end of its features (the same id length and feature count: one dataset's samples as
    EasyHard's producers write them), else None. The batch is read column by column with maps over the values; what
    follows the features (the label, the source...) takes few distinct forms in a batch and is read once per form."""
    first = values[0] if values else None
    if not isinstance(first, bytes) or len(first) < 3 or first[0] != 0x0A or first[1] >= 0x80:
        return None
    pos = 2 + first[1]
    if pos + 2 >= len(first) or first[pos] != 0x12:
        return None
    if first[pos + 1] < 0x80:
        head, length = pos + 2, first[pos + 1]
    elif first[pos + 2] < 0x80:
        head, length = pos + 3, (first[pos + 1] & 0x7F) | (first[pos + 2] << 7)
    else:
        return None
    end = head + length
    if length % 4 or end > len(first):
        return None
    try:
        # The tags and lengths of id and features, the same in every value: then so are the features' offsets.
        if len(set(map(itemgetter(0, 1, *range(pos, head)), values))) != 1 or min(map(len, values)) < end:
            return None
        ids = list(map(bytes.decode, map(itemgetter(slice(2, pos)), values)))
    except (IndexError, TypeError, UnicodeDecodeError):
        return None
    tails = list(map(itemgetter(slice(end, None)), values))
    label_of = {tail: _label_then_other_fields(tail, 0) for tail in set(tails)}
    if None in label_of.values():
        return None
    features = list(map(itemgetter(slice(head, end)), map(memoryview, values)))
    return ids, features, list(map(label_of.__getitem__, tails))


def _label_then_other_fields(data: bytes, pos: int) -> Optional[int]:
    """The one-byte label at data[pos] (0, proto3's default, when absent) when only fields a trainer's batch does not
    need follow it, else None."""
    n, label = len(data), 0
    if pos + 1 < n and data[pos] == 0x18 and data[pos + 1] < 0x80:
        label = data[pos + 1]
        pos += 2
    # What follows: nothing, the common short `source` checked inline, or fields checked one by one.
    short_source = pos + 1 < n and data[pos] == 0x22 and data[pos + 1] < 0x80 and pos + 2 + data[pos + 1] == n
    return label if pos == n or short_source or _only_other_fields(data, pos, n) else None


# TrainingSample's other fields: 4 source (string), 5 human_difficulty (double), 6 attributes (map entries).
_WIRE_TYPES = {4: 2, 5: 1, 6: 2}


def _only_other_fields(data: bytes, pos: int, n: int) -> bool:
    """Whether data[pos:n] is well-formed and holds none of id, features and label (a later one would override)."""
    try:
        while pos < n:
            number, wire, pos = _tag(data, pos)
            if number <= 3 or _WIRE_TYPES.get(number, wire) != wire:
                return False
            if wire == 2 and pos < n and data[pos] < 0x80:  # a short string: source, an attribute
                pos += 1 + data[pos]
            else:
                pos = _skip(data, pos, wire)
    except SampleFormatError:
        return False
    return pos == n


def _map_entry(entry: bytes) -> tuple:
    key, val, p = "", "", 0
    while p < len(entry):
        t, p = _varint(entry, p)
        if t == (1 << 3 | 2):
            raw, p = _length_delimited(entry, p)
            key = _utf8(raw, "attributes")
        elif t == (2 << 3 | 2):
            raw, p = _length_delimited(entry, p)
            val = _utf8(raw, "attributes")
        else:
            p = _skip(entry, p, t & 7)
    return key, val


def encode_json(sample: TrainingSample, features_as_base64: bool = False) -> bytes:
    """The JSON form, e.g. for a producer or a test (EasyHard reads either features field)."""
    doc: dict = {"id": sample.id}
    if features_as_base64:
        doc["features_b64"] = base64.b64encode(sample.features).decode("ascii")
    else:
        doc["features"] = sample.feature_list()
    doc["label"] = sample.label
    if sample.source:
        doc["source"] = sample.source
    if sample.human_difficulty is not None:
        doc["human_difficulty"] = sample.human_difficulty
    if sample.attributes:
        doc["attributes"] = sample.attributes
    return json.dumps(doc, separators=(",", ":")).encode()


def _put_varint(out: bytearray, n: int) -> None:
    n &= (1 << 64) - 1
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _put_bytes(out: bytearray, number: int, raw: bytes) -> None:
    _put_varint(out, number << 3 | 2)
    _put_varint(out, len(raw))
    out += raw


def encode_protobuf(sample: TrainingSample) -> bytes:
    """The protobuf form, field by field in number order as protobuf encoders write it."""
    out = bytearray()
    if sample.id:
        _put_bytes(out, 1, sample.id.encode())
    if sample.features:
        _put_bytes(out, 2, sample.features)
    if sample.label:
        _put_varint(out, 3 << 3)
        _put_varint(out, sample.label)
    if sample.source:
        _put_bytes(out, 4, sample.source.encode())
    if sample.human_difficulty is not None:
        _put_varint(out, 5 << 3 | 1)
        out += struct.pack("<d", sample.human_difficulty)
    for key, val in sample.attributes.items():
        entry = bytearray()
        _put_bytes(entry, 1, key.encode())
        _put_bytes(entry, 2, val.encode())
        _put_bytes(out, 6, bytes(entry))
    return bytes(out)


def sample(sample_id: str, features: Sequence[float], label: int, **fields) -> TrainingSample:
    """A TrainingSample from a list of floats (which must be finite: EasyHard dead-letters NaN and Inf)."""
    if any(not math.isfinite(x) for x in features):
        raise ValueError(f"sample {sample_id}: features must be finite")
    return TrainingSample(sample_id, _float32_bytes(features), label, **fields)
