-- Training between the party services (issue 5): what a party needs beyond V1 to take
-- part in a run and to resume it after a restart.

-- A run is identified by the same id at every party, and the PSI run that aligned its
-- cohort is one of the data holders' runs: the coordinator never holds that PSI run, so
-- the reference cannot be enforced in its database.
ALTER TABLE training_run DROP CONSTRAINT IF EXISTS training_run_psi_run_id_fkey;

-- What this party is in the run, the agreed setup, and where the run stands.
ALTER TABLE training_run
    ADD COLUMN party_role       TEXT CHECK (party_role IN ('HOSPITAL', 'LAB', 'COORDINATOR')),
    -- {"hospital": ..., "labs": [...], "coordinator": ...}: organisation names.
    ADD COLUMN participants     JSONB   NOT NULL DEFAULT '{}'::jsonb,
    -- The coordinator's public key material as sent (parameters, public, relinearization
    -- and Galois keys); kept so a restarted party can reload the run.
    ADD COLUMN key_setup        BYTEA,
    ADD COLUMN key_setup_sha256 CHAR(64),
    -- Coordinator only: the run's CKKS secret key, erased (NULL) when the run ends.
    ADD COLUMN secret_key       BYTEA,
    ADD COLUMN cohort_size      INTEGER,
    ADD COLUMN best_epoch       INTEGER,
    ADD COLUMN stop_reason      TEXT;

-- Per-epoch validation as the coordinator received it from the hospital (aggregates only)
-- and the decision it took; the stopping rule is restored from these rows.
CREATE TABLE training_epoch (
    run_id          UUID             NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    epoch           INTEGER          NOT NULL,
    auc             DOUBLE PRECISION NOT NULL,
    auc_lower       DOUBLE PRECISION,
    auc_upper       DOUBLE PRECISION,
    log_loss        DOUBLE PRECISION NOT NULL,
    accuracy        DOUBLE PRECISION NOT NULL,
    share_outside   DOUBLE PRECISION NOT NULL,
    stop            BOOLEAN          NOT NULL,
    best_epoch      INTEGER          NOT NULL,
    reason          TEXT,
    decided_at      TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, epoch)
);

-- Which organisation's coefficients a model row holds (the coordinator's row holds the
-- hashes of every party's coefficients and no coefficients).
ALTER TABLE model ADD COLUMN organisation TEXT;
CREATE UNIQUE INDEX model_one_per_run ON model (training_run_id);
