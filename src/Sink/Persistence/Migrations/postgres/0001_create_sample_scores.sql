-- One row per sample id; the latest exposure's scores win, exposures counts distinct exposures.
-- Scores are float4 in the protobuf contract; double precision stores them exactly and reads back without casts.
CREATE TABLE IF NOT EXISTS sample_scores (
    sample_id        text             NOT NULL PRIMARY KEY,
    label            integer          NOT NULL,
    predicted_label  integer          NOT NULL,
    loss             double precision NOT NULL,
    self_confidence  double precision NOT NULL,
    margin           double precision NOT NULL,
    el2n             double precision NOT NULL,
    grad_norm        double precision NOT NULL,
    influence        double precision NOT NULL,
    difficulty       double precision NOT NULL,
    noise            double precision NOT NULL,
    disagreement     double precision NOT NULL,
    weight           double precision NOT NULL,
    bucket           text             NOT NULL,
    model_version    bigint           NOT NULL,
    warming          boolean          NOT NULL,
    quarantined      boolean          NOT NULL,
    source           text             NOT NULL,
    human_difficulty double precision NULL,
    source_topic     text             NOT NULL,
    source_partition integer          NOT NULL,
    source_offset    bigint           NOT NULL,
    exposures        integer          NOT NULL DEFAULT 1,
    first_scored_at  timestamptz      NOT NULL,
    last_scored_at   timestamptz      NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_sample_scores_last_scored_at ON sample_scores (last_scored_at);
