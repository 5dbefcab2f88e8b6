-- Study governance on the embedded ledger (issue 17): the lifecycle of each study
-- (PROPOSED, ACTIVE, SUSPENDED, CLOSED) as the party's own copy, with every accepted
-- transaction signed by the organisation that made it. The rules are
-- StudyGovernanceRules (fabric-audit), the same the Fabric chaincode applies; see
-- docs/protocols/governance.md for what the Fabric channel adds (one order for all, no
-- copy that a single organisation controls).

-- Every accepted transaction, in the order this party accepted it.
CREATE TABLE study_governance_record (
    project_id                UUID        NOT NULL,
    -- 1, 2, 3... per study: the record's number in the study's history.
    number                    BIGINT      NOT NULL CHECK (number > 0),
    action                    TEXT        NOT NULL,
    acting_organisation       TEXT        NOT NULL,
    state_after               TEXT        NOT NULL,
    -- The request's canonical JSON (GovernanceJson), byte for byte as signed: TEXT, not JSONB.
    request                   TEXT        NOT NULL,
    -- SHA-256 of request: the same signed request is accepted once.
    request_sha256            CHAR(64)    NOT NULL,
    -- ECDSA (SHA256withECDSA, DER, base64) over request by the acting organisation's key.
    signature                 TEXT        NOT NULL,
    signer_certificate_sha256 CHAR(64)    NOT NULL,
    recorded_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, number),
    UNIQUE (project_id, request_sha256)
);

-- Each study's state after its last record (GovernanceJson of StudyStatus), for reads.
CREATE TABLE study_governance (
    project_id UUID   PRIMARY KEY,
    state      TEXT   NOT NULL,
    version    BIGINT NOT NULL,
    status     TEXT   NOT NULL
);
