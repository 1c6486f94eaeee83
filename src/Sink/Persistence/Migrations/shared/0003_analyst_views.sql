-- One script for SQLite and PostgreSQL: the SQL below means the same in both (booleans tested with NOT, the
-- share cast to double precision, which SQLite reads as REAL).
-- Views for the questions analysts ask of sample_scores; rows still warming are left out (their scores come from a
-- proxy that has not seen enough data to be evidence). suspected_mislabels carries noise_rank, so a query that
-- filters or joins it can still ORDER BY noise_rank.

-- Every sample, most likely mislabelled first: given label, the label the scorer suggests and its probability.
CREATE VIEW suspected_mislabels AS
SELECT
    sample_id,
    label,
    suggested_label,
    suggested_label_p,
    noise,
    difficulty,
    weight,
    influence,
    quarantined,
    source,
    model_version,
    last_scored_at,
    ROW_NUMBER() OVER (ORDER BY noise DESC, sample_id) AS noise_rank
FROM sample_scores
WHERE NOT warming
ORDER BY noise DESC, sample_id;

-- Per given label: how many samples, their mean noise, the share whose noise passes 0.5, and the most likely true
-- label, i.e. the suggestion most often made for this label's samples when it differs from it (ties: lowest label).
CREATE VIEW class_noise AS
WITH scored AS (
    SELECT label, noise, suggested_label FROM sample_scores WHERE NOT warming
),
suggestions AS (
    SELECT label, suggested_label, COUNT(*) AS n,
           ROW_NUMBER() OVER (PARTITION BY label ORDER BY COUNT(*) DESC, suggested_label) AS pick
    FROM scored
    WHERE suggested_label IS NOT NULL AND suggested_label <> label
    GROUP BY label, suggested_label
)
SELECT
    s.label,
    COUNT(*) AS samples,
    AVG(s.noise) AS mean_noise,
    CAST(AVG(CASE WHEN s.noise > 0.5 THEN 1.0 ELSE 0.0 END) AS double precision) AS share_noisy,
    (SELECT g.suggested_label FROM suggestions g WHERE g.label = s.label AND g.pick = 1) AS likely_true_label,
    (SELECT g.n FROM suggestions g WHERE g.label = s.label AND g.pick = 1) AS likely_true_label_samples
FROM scored s
GROUP BY s.label;

-- Given label x suggested label: how many samples carry each pair (the diagonal is agreement).
CREATE VIEW noise_transitions AS
SELECT label, suggested_label, COUNT(*) AS samples, AVG(noise) AS mean_noise
FROM sample_scores
WHERE NOT warming AND suggested_label IS NOT NULL
GROUP BY label, suggested_label;
