-- PSI (issue 4): a cohort commitment both parties reproduce, two-phase completion, and the
-- members of a consent snapshot, so that PSI can admit exactly the patients it covers.

-- CONFIRMED: the responder checked the initiator's confirmation and holds the cohort, but
-- the initiator has not yet said it completed too; such a cohort is not usable. It becomes
-- COMPLETED on the initiator's commit (or on asking the initiator), FAILED otherwise.
ALTER TABLE psi_run DROP CONSTRAINT IF EXISTS psi_run_status_check;
ALTER TABLE psi_run ADD CONSTRAINT psi_run_status_check
    CHECK (status IN ('RUNNING', 'CONFIRMED', 'COMPLETED', 'FAILED'));
ALTER TABLE psi_run
    ADD COLUMN role              TEXT CHECK (role IN ('INITIATOR', 'RESPONDER')),
    ADD COLUMN peer_set_size     INTEGER,
    -- The joint commitment (the same at both parties; CohortCommitment.joint). cohort_sha256
    -- is now this party's salted local commitment (CohortCommitment.local), salt beside it.
    ADD COLUMN cohort_commitment CHAR(64),
    ADD COLUMN cohort_salt       BYTEA,
    ADD COLUMN confirmed_at      TIMESTAMPTZ;

-- The doubly blinded value of each aligned row: the same bytes at both parties, so an
-- auditor shown both cohorts can check them row by row against the joint commitment.
ALTER TABLE aligned_cohort ADD COLUMN token BYTEA;

-- Who a consent snapshot admitted (the audited hash covers their local ids).
CREATE TABLE consent_snapshot_member (
    snapshot_id UUID   NOT NULL REFERENCES consent_snapshot (id) ON DELETE CASCADE,
    patient_id  BIGINT NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    PRIMARY KEY (snapshot_id, patient_id)
);

-- The joint cohort commitment of the PSI run a training run was set up on, as every data
-- holder reported it: MODEL_RELEASED events reference it.
ALTER TABLE training_run ADD COLUMN cohort_commitment CHAR(64);
