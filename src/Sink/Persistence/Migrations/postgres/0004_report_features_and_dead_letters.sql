-- The features of the samples the report's gallery may show (float32, little-endian), kept only for samples past
-- warm-up whose noise reaches Sink:Report:KeepFeaturesAboveNoise and pruned to the Sink:Report:MaxFeatureRows
-- noisiest after every batch: the report draws them as thumbnails or summarises them.
CREATE TABLE IF NOT EXISTS sample_features (
    sample_id text  NOT NULL PRIMARY KEY,
    features  bytea NOT NULL
);

-- The records of the scored topic the Sink dead-lettered, by origin partition and reason. last_offset makes the
-- count exact under redelivery: a record is counted only when its offset is past the last one counted.
CREATE TABLE IF NOT EXISTS sink_dead_letters (
    topic            text    NOT NULL,
    source_partition integer NOT NULL,
    reason           text    NOT NULL,
    records          bigint  NOT NULL,
    last_offset      bigint  NOT NULL,
    PRIMARY KEY (topic, source_partition, reason)
);
