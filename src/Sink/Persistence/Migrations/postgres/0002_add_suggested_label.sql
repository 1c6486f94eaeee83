-- The label the scorer suggests and its probability; NULL for rows written before, or without a suggestion.
ALTER TABLE sample_scores ADD COLUMN IF NOT EXISTS suggested_label integer NULL;
ALTER TABLE sample_scores ADD COLUMN IF NOT EXISTS suggested_label_p double precision NULL;
