-- One row per sample id; the latest exposure's scores win, exposures counts distinct exposures.
-- Timestamps are ISO-8601 UTC text ("2026-01-31T12:00:00.000Z"), which sorts chronologically.
CREATE TABLE IF NOT EXISTS sample_scores (
    sample_id        TEXT    NOT NULL PRIMARY KEY,
    label            INTEGER NOT NULL,
    predicted_label  INTEGER NOT NULL,
    loss             REAL    NOT NULL,
    self_confidence  REAL    NOT NULL,
    margin           REAL    NOT NULL,
    el2n             REAL    NOT NULL,
    grad_norm        REAL    NOT NULL,
    influence        REAL    NOT NULL,
    difficulty       REAL    NOT NULL,
    noise            REAL    NOT NULL,
    disagreement     REAL    NOT NULL,
    weight           REAL    NOT NULL,
    bucket           TEXT    NOT NULL,
    model_version    INTEGER NOT NULL,
    warming          INTEGER NOT NULL CHECK (warming IN (0, 1)),
    quarantined      INTEGER NOT NULL CHECK (quarantined IN (0, 1)),
    source           TEXT    NOT NULL,
    human_difficulty REAL    NULL,
    source_topic     TEXT    NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset    INTEGER NOT NULL,
    exposures        INTEGER NOT NULL DEFAULT 1,
    first_scored_at  TEXT    NOT NULL,
    last_scored_at   TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_sample_scores_last_scored_at ON sample_scores (last_scored_at);
