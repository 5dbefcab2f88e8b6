-- Vertical inference (issue 5): scoring the aligned rows of a PSI run with a released
-- model, partial scores combined under the requester's CKKS key.

-- A party's share of a model includes the standardisation statistics of its own columns
-- (mean and scale per column, fitted on its training rows): inference on new patients
-- must standardise them exactly as training did. Never leaves the party.
ALTER TABLE model ADD COLUMN standardizer BYTEA;

-- An inference run, with the same id at every party. The PSI run is a data holder's run
-- (the coordinator holds none), so it is not a foreign key.
CREATE TABLE inference_run (
    id                UUID PRIMARY KEY,
    project_id        UUID        NOT NULL REFERENCES project (id),
    training_run_id   UUID        NOT NULL REFERENCES training_run (id),
    psi_run_id        UUID        NOT NULL,
    -- What this party is in the run: the coordinator, the requester, or a contributor.
    party_role        TEXT        NOT NULL CHECK (party_role IN ('COORDINATOR', 'REQUESTER', 'CONTRIBUTOR')),
    -- Organisation names: the requester, and the contributors in the coordinator's order.
    requester         TEXT        NOT NULL,
    contributors      JSONB       NOT NULL DEFAULT '[]'::jsonb,
    status            TEXT        NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
    -- Coordinator, while running: keys, scoring, combining, delivering.
    phase             TEXT,
    row_count         INTEGER,
    public_key_sha256 CHAR(64),
    -- Requester: SHA-256 of its score file; coordinator: of the sum it delivered;
    -- contributor: of the partial scores it sent.
    result_sha256     CHAR(64),
    error             TEXT,
    started_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at       TIMESTAMPTZ
);

-- The requester's scores, by aligned row and its own patient; shown to its own party
-- administrators only.
CREATE TABLE inference_score (
    run_id      UUID             NOT NULL REFERENCES inference_run (id) ON DELETE CASCADE,
    row_index   INTEGER          NOT NULL,
    patient_id  BIGINT           NOT NULL REFERENCES patient (id),
    score       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, row_index)
);
