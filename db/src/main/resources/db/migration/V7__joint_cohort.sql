-- Joint cohorts: one cohort aligned across the hospital and several labs, built from
-- completed pairwise PSI runs (docs/protocols/psi.md, "More than one lab"). A joint cohort
-- is a psi_run of kind JOINT with the same id at every party, its rows in aligned_cohort
-- like a pairwise cohort's, so training and inference take its id as they take any PSI run.
-- At the hospital it is an INITIATOR run without a single peer (peer_party_id NULL); at a
-- lab a RESPONDER run whose peer is the hospital, CONFIRMED until the hospital completes.
ALTER TABLE psi_run ADD COLUMN kind TEXT NOT NULL DEFAULT 'PAIRWISE' CHECK (kind IN ('PAIRWISE', 'JOINT'));

-- The pairwise runs a joint cohort joins, in source order (the order its commitment hashes
-- them in), each with its component hash (JointCohortCommitment.component). A lab records
-- every source, though only its own run with the hospital exists in its psi_run: the other
-- labs' run ids and components are what its joint commitment covers. Hence no foreign key
-- on source_run_id. The hospital fills component_sha256 once it has aligned the rows.
CREATE TABLE psi_run_source (
    joint_run_id     UUID     NOT NULL REFERENCES psi_run (id) ON DELETE CASCADE,
    position         INTEGER  NOT NULL CHECK (position >= 0),
    source_run_id    UUID     NOT NULL,
    component_sha256 CHAR(64),
    PRIMARY KEY (joint_run_id, position),
    UNIQUE (joint_run_id, source_run_id)
);
