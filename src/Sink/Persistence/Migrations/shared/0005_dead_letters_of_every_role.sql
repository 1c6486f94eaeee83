-- The records every role dead-lettered, counted by the Sink from the dead-letter topic: by the role that dead-lettered
-- them (from the record's source topic), reason and dead-letter partition. last_offset makes the count exact under
-- redelivery: the topic's records are read in offset order per partition, and one is counted only when its offset is
-- past the last one counted. It replaces sink_dead_letters, which held the Sink's own only.
CREATE TABLE IF NOT EXISTS dead_letters (
    role                  text    NOT NULL,
    reason                text    NOT NULL,
    dead_letter_partition integer NOT NULL,
    records               bigint  NOT NULL,
    last_offset           bigint  NOT NULL,
    PRIMARY KEY (role, reason, dead_letter_partition)
);

DROP TABLE IF EXISTS sink_dead_letters;
