-- The label the scorer suggests and its probability; NULL for rows written before, or without a suggestion.
ALTER TABLE sample_scores ADD COLUMN suggested_label INTEGER NULL;
ALTER TABLE sample_scores ADD COLUMN suggested_label_p REAL NULL;
