-- The features of the samples the report's gallery may show (float32, little-endian), kept only for samples past
-- warm-up whose noise reaches Sink:Report:KeepFeaturesAboveNoise and pruned to the Sink:Report:MaxFeatureRows
-- noisiest after every batch: the report draws them as thumbnails or summarises them.
CREATE TABLE IF NOT EXISTS sample_features (
    sample_id TEXT NOT NULL PRIMARY KEY,
    features  BLOB NOT NULL
) WITHOUT ROWID;

-- The records of the scored topic the Sink dead-lettered, by origin partition and reason. last_offset makes the
-- count exact under redelivery: a record is counted only when its offset is past the last one counted.
CREATE TABLE IF NOT EXISTS sink_dead_letters (
    topic            TEXT    NOT NULL,
    source_partition INTEGER NOT NULL,
    reason           TEXT    NOT NULL,
    records          INTEGER NOT NULL,
    last_offset      INTEGER NOT NULL,
    PRIMARY KEY (topic, source_partition, reason)
) WITHOUT ROWID;
