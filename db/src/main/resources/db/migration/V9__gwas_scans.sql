-- The encrypted GWAS score test between the party services (issue 16): each party's record
-- of a scan and, at the coordinator, the released per-variant results. Owned by
-- party-service's gwas package. (V9: main's V8 is the study governance.)

-- A scan has the same id at every party. The PSI run is a data holder's run (the
-- coordinator holds none), so it is not a foreign key.
CREATE TABLE gwas_scan (
    id                    UUID PRIMARY KEY,
    project_id            UUID        NOT NULL REFERENCES project (id),
    psi_run_id            UUID        NOT NULL,
    party_role            TEXT        NOT NULL CHECK (party_role IN ('HOSPITAL', 'LAB', 'COORDINATOR')),
    -- {"hospital": ..., "labs": [...], "coordinator": ...}: organisation names.
    participants          JSONB       NOT NULL,
    -- The scan parameters as requested (ancestry components, release rules) and their SHA-256.
    parameters            JSONB       NOT NULL,
    parameters_sha256     CHAR(64)    NOT NULL,
    status                TEXT        NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
    -- Coordinator, while running: setup, keys, null model, scanning, releasing.
    phase                 TEXT,
    cohort_size           INTEGER,
    cohort_commitment     TEXT,
    -- Progress: variants whose block was released (coordinator) or computed (lab), of the
    -- variants the labs scan after their filters.
    variants_total        INTEGER,
    variants_done         INTEGER     NOT NULL DEFAULT 0,
    blocks_done           INTEGER     NOT NULL DEFAULT 0,
    -- Coordinator, once done: the summary-statistics file (plink2 .glm columns) and its
    -- SHA-256, which GWAS_RESULTS_RELEASED records; lambda_GC; released and withheld counts.
    summary_statistics    BYTEA,
    summary_sha256        CHAR(64),
    lambda_gc             DOUBLE PRECISION,
    released_count        INTEGER,
    withheld_count        INTEGER,
    error                 TEXT,
    started_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at           TIMESTAMPTZ
);

-- Coordinator only: one row per variant a lab scanned, in the lab's order. A withheld
-- variant (minor allele count below the release rule) keeps its name and QC counts but no
-- statistic. Aggregates only: nothing per patient.
CREATE TABLE gwas_result (
    scan_id          UUID             NOT NULL REFERENCES gwas_scan (id) ON DELETE CASCADE,
    lab              TEXT             NOT NULL,
    ordinal          INTEGER          NOT NULL,
    chrom            TEXT             NOT NULL,
    pos              BIGINT           NOT NULL,
    variant_id       TEXT             NOT NULL,
    ref              TEXT             NOT NULL,
    alt              TEXT             NOT NULL,
    called           INTEGER          NOT NULL,
    alt_frequency    DOUBLE PRECISION NOT NULL,
    minor_allele_count DOUBLE PRECISION NOT NULL,
    released         BOOLEAN          NOT NULL,
    beta             DOUBLE PRECISION,
    standard_error   DOUBLE PRECISION,
    chi_square       DOUBLE PRECISION,
    p_value          DOUBLE PRECISION,
    minus_log10_p    DOUBLE PRECISION,
    PRIMARY KEY (scan_id, lab, ordinal)
);
