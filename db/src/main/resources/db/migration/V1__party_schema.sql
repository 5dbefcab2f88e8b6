-- GenoVFL party schema, version 1.
--
-- Every party (hospital, lab, coordinator) runs this schema in its own database; a role
-- leaves the tables it does not use empty. Principles:
--  * Patients are known by a pseudonymous local id. Linkage identifiers (the values PSI
--    matches on) sit in their own table so that access to them can be narrowed and they
--    can be purged without touching clinical data.
--  * Nothing here is ever copied to the audit ledger except hashes and counts
--    (see audit_outbox).
--  * Genotypes are stored variant-major with all samples' dosages packed into one row
--    per variant and dataset, so a cohort of 100k samples x 1M variants is 1M rows.

-- Organisations taking part, with the certificate that identifies them on mutual TLS.
CREATE TABLE party (
    id                  UUID PRIMARY KEY,
    organisation_name   TEXT        NOT NULL UNIQUE,
    role                TEXT        NOT NULL CHECK (role IN ('HOSPITAL', 'LAB', 'COORDINATOR', 'REGULATOR')),
    base_url            TEXT,
    certificate_sha256  CHAR(64),
    certificate_pem     TEXT,
    is_self             BOOLEAN     NOT NULL DEFAULT FALSE,
    registered_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- At most one row describes the party that owns this database.
CREATE UNIQUE INDEX party_single_self ON party (is_self) WHERE is_self;

-- A feature-split study defined by the coordinator.
CREATE TABLE project (
    id              UUID PRIMARY KEY,
    name            TEXT        NOT NULL,
    description     TEXT,
    status          TEXT        NOT NULL DEFAULT 'DRAFT'
                    CHECK (status IN ('DRAFT', 'ACTIVE', 'ALIGNED', 'TRAINING', 'RELEASED', 'CLOSED')),
    -- The outcome, e.g. {"system": "http://snomed.info/sct", "code": "254837009"}.
    label_spec      JSONB       NOT NULL DEFAULT '{}'::jsonb,
    -- Cohort inclusion, consent requirement and quality filters (MAF, call rate, HWE p).
    cohort_spec     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    linkage_id_type TEXT        NOT NULL DEFAULT 'BIOBANK_SAMPLE_ID',
    created_by      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    spec_sha256     CHAR(64)
);

CREATE TABLE project_party (
    project_id  UUID NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    party_id    UUID NOT NULL REFERENCES party (id),
    role        TEXT NOT NULL CHECK (role IN ('HOSPITAL', 'LAB', 'COORDINATOR', 'REGULATOR')),
    PRIMARY KEY (project_id, party_id)
);

-- One row per feature a party contributes: clinical (LOINC code + rule) or genomic
-- (rsID, region or gene). The ordinal fixes the column order of the feature matrix.
CREATE TABLE feature_spec (
    id          BIGSERIAL PRIMARY KEY,
    project_id  UUID    NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    party_id    UUID    NOT NULL REFERENCES party (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('CLINICAL', 'GENOMIC')),
    ordinal     INTEGER NOT NULL,
    code_system TEXT,
    code        TEXT    NOT NULL,
    rule        JSONB   NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (project_id, party_id, ordinal)
);

-- Patients held locally, by pseudonymous id only.
CREATE TABLE patient (
    id          BIGSERIAL PRIMARY KEY,
    local_id    TEXT        NOT NULL UNIQUE,
    source      TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Identifiers used only for PSI linkage, stored normalised (see docs/protocols/psi.md).
CREATE TABLE linkage_identifier (
    patient_id          BIGINT NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    id_type             TEXT   NOT NULL CHECK (id_type IN ('BIOBANK_SAMPLE_ID', 'NATIONAL_ID', 'NAME_AND_BIRTH_DATE')),
    normalised_value    TEXT   NOT NULL,
    PRIMARY KEY (patient_id, id_type)
);
-- Not unique: duplicates within a party are reported by PSI, not silently merged.
CREATE INDEX linkage_identifier_value ON linkage_identifier (id_type, normalised_value);

-- Consent as an append-only history; the current state is the latest row.
CREATE TABLE consent_event (
    id          BIGSERIAL PRIMARY KEY,
    patient_id  BIGINT      NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    scope       TEXT        NOT NULL DEFAULT 'RESEARCH',
    status      TEXT        NOT NULL CHECK (status IN ('GRANTED', 'WITHDRAWN')),
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX consent_event_patient ON consent_event (patient_id, scope, recorded_at DESC);

CREATE VIEW current_consent AS
SELECT DISTINCT ON (patient_id, scope) patient_id, scope, status, recorded_at
FROM consent_event
ORDER BY patient_id, scope, recorded_at DESC, id DESC;

-- Consent snapshots taken for a project: the hash is audited, the members are not.
CREATE TABLE consent_snapshot (
    id          UUID PRIMARY KEY,
    project_id  UUID        NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    taken_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    consented   INTEGER     NOT NULL,
    withdrawn   INTEGER     NOT NULL,
    sha256      CHAR(64)    NOT NULL
);

-- Clinical data (hospital).
CREATE TABLE clinical_observation (
    id              BIGSERIAL PRIMARY KEY,
    patient_id      BIGINT      NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    code_system     TEXT        NOT NULL,
    code            TEXT        NOT NULL,
    value_numeric   DOUBLE PRECISION,
    value_code      TEXT,
    unit            TEXT,
    effective_at    TIMESTAMPTZ,
    source_ref      TEXT
);
CREATE INDEX clinical_observation_lookup ON clinical_observation (code_system, code, patient_id, effective_at DESC);

CREATE TABLE clinical_condition (
    id              BIGSERIAL PRIMARY KEY,
    patient_id      BIGINT      NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    code_system     TEXT        NOT NULL,
    code            TEXT        NOT NULL,
    clinical_status TEXT,
    onset_at        TIMESTAMPTZ,
    source_ref      TEXT
);
CREATE INDEX clinical_condition_lookup ON clinical_condition (code_system, code, patient_id);

-- Genotype data (lab). A dataset is one imported VCF/BCF or FHIR batch.
CREATE TABLE genotype_dataset (
    id              UUID PRIMARY KEY,
    name            TEXT        NOT NULL,
    source_sha256   CHAR(64),
    sample_count    INTEGER     NOT NULL DEFAULT 0,
    variant_count   BIGINT      NOT NULL DEFAULT 0,
    status          TEXT        NOT NULL DEFAULT 'IMPORTING' CHECK (status IN ('IMPORTING', 'READY', 'FAILED')),
    imported_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Column i of every packed dosage row is the sample with sample_index i.
CREATE TABLE genotype_sample (
    dataset_id      UUID    NOT NULL REFERENCES genotype_dataset (id) ON DELETE CASCADE,
    sample_index    INTEGER NOT NULL,
    sample_name     TEXT    NOT NULL,
    patient_id      BIGINT  REFERENCES patient (id),
    PRIMARY KEY (dataset_id, sample_index),
    UNIQUE (dataset_id, sample_name)
);

-- One row per bi-allelic variant: dosages of all samples packed 2 bits each
-- (0, 1, 2 copies of the alternate allele; 3 = missing), sample 0 in the low bits of byte 0.
CREATE TABLE genotype_variant (
    dataset_id      UUID     NOT NULL REFERENCES genotype_dataset (id) ON DELETE CASCADE,
    variant_index   INTEGER  NOT NULL,
    chrom           TEXT     NOT NULL,
    pos             BIGINT   NOT NULL,
    variant_id      TEXT,
    ref             TEXT     NOT NULL,
    alt             TEXT     NOT NULL,
    gene            TEXT,
    alt_allele_freq DOUBLE PRECISION,
    call_rate       DOUBLE PRECISION,
    hwe_p           DOUBLE PRECISION,
    dosages         BYTEA    NOT NULL,
    PRIMARY KEY (dataset_id, variant_index)
);
CREATE INDEX genotype_variant_position ON genotype_variant (chrom, pos);
CREATE INDEX genotype_variant_id ON genotype_variant (variant_id);
CREATE INDEX genotype_variant_gene ON genotype_variant (gene);

-- PSI runs and the aligned cohort they produce. A cohort is written only when a run
-- completes, in the same transaction that marks it COMPLETED.
CREATE TABLE psi_run (
    id                  UUID PRIMARY KEY,
    project_id          UUID        NOT NULL REFERENCES project (id),
    peer_party_id       UUID        REFERENCES party (id),
    mode                TEXT        NOT NULL CHECK (mode IN ('INTERSECTION', 'CARDINALITY')),
    status              TEXT        NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
    local_set_size      INTEGER,
    duplicates_reported INTEGER,
    intersection_size   INTEGER,
    cohort_sha256       CHAR(64),
    error               TEXT,
    started_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at         TIMESTAMPTZ
);

CREATE TABLE aligned_cohort (
    psi_run_id  UUID    NOT NULL REFERENCES psi_run (id) ON DELETE CASCADE,
    row_index   INTEGER NOT NULL,
    patient_id  BIGINT  NOT NULL REFERENCES patient (id),
    PRIMARY KEY (psi_run_id, row_index),
    UNIQUE (psi_run_id, patient_id)
);

-- Training.
CREATE TABLE training_run (
    id              UUID PRIMARY KEY,
    project_id      UUID        NOT NULL REFERENCES project (id),
    psi_run_id      UUID        REFERENCES psi_run (id),
    algorithm       TEXT        NOT NULL,
    hyperparameters JSONB       NOT NULL DEFAULT '{}'::jsonb,
    seed            BIGINT      NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'STOPPED')),
    error           TEXT,
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ
);

CREATE TABLE training_round (
    run_id          UUID        NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    round_number    INTEGER     NOT NULL,
    masked_loss     DOUBLE PRECISION,
    metrics         JSONB       NOT NULL DEFAULT '{}'::jsonb,
    messages_sha256 CHAR(64),
    completed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, round_number)
);

-- The party's own state after a round, enough to resume exactly (weights, optimiser
-- state, random generator state). Never leaves the party.
CREATE TABLE training_checkpoint (
    run_id          UUID        NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    round_number    INTEGER     NOT NULL,
    state           BYTEA       NOT NULL,
    state_sha256    CHAR(64)    NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, round_number)
);

-- A released model: each party keeps its own coefficients; the coordinator keeps hashes.
CREATE TABLE model (
    id                  UUID PRIMARY KEY,
    training_run_id     UUID        NOT NULL REFERENCES training_run (id),
    coefficients        BYTEA,
    coefficients_sha256 CHAR(64)    NOT NULL,
    report              JSONB       NOT NULL DEFAULT '{}'::jsonb,
    released_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Transactional outbox: a step writes its audit event here in its own transaction; a
-- relay delivers it to the ledger exactly once. Payloads hold hashes, counts and ids of
-- projects/runs only, never personal data.
-- Events are numbered per (project, acting organisation) without gaps, so a ledger can
-- refuse a missing or repeated step.
CREATE TABLE audit_outbox (
    id                  BIGSERIAL PRIMARY KEY,
    event_id            UUID        NOT NULL UNIQUE,
    project_id          UUID        NOT NULL,
    acting_organisation TEXT        NOT NULL,
    sequence            BIGINT      NOT NULL,
    event_type          TEXT        NOT NULL,
    payload             JSONB       NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX audit_outbox_sequence ON audit_outbox (project_id, acting_organisation, sequence);
CREATE INDEX audit_outbox_pending ON audit_outbox (id) WHERE delivered_at IS NULL;
