-- The embedded audit ledger (issue 6): a hash chain of audit events, each entry signed
-- with the party's key, kept in the party's own database. Fabric is the production
-- ledger; this one serves the demo and parties without a Fabric network. Regulators check
-- it with EmbeddedAuditLedger.verify(), which names the first edited, deleted or
-- reordered entry.
CREATE TABLE audit_ledger_entry (
    -- 1, 2, 3... in the order recorded; part of what the entry hash covers.
    position                  BIGINT      PRIMARY KEY CHECK (position > 0),
    event_id                  UUID        NOT NULL UNIQUE,
    project_id                UUID        NOT NULL,
    acting_organisation       TEXT        NOT NULL,
    sequence                  BIGINT      NOT NULL,
    event_type                TEXT        NOT NULL,
    occurred_at               TIMESTAMPTZ NOT NULL,
    -- Hex SHA-256 digests named in the event, for lookups of a regulator's file.
    artifact_hashes           TEXT[]      NOT NULL,
    -- The event's canonical JSON (AuditEventJson), byte for byte as hashed: TEXT, not JSONB.
    payload                   TEXT        NOT NULL,
    -- entry_hash of the entry before (64 zeros for the first).
    previous_hash             CHAR(64)    NOT NULL,
    -- SHA-256 of previous_hash, position and payload.
    entry_hash                CHAR(64)    NOT NULL,
    -- ECDSA (SHA256withECDSA, DER, base64) over entry_hash by the party's key.
    signature                 TEXT        NOT NULL,
    signer_certificate_sha256 CHAR(64)    NOT NULL,
    recorded_at               TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX audit_ledger_entry_sequence ON audit_ledger_entry (project_id, acting_organisation, sequence);
CREATE INDEX audit_ledger_entry_project ON audit_ledger_entry (project_id, position);
CREATE INDEX audit_ledger_entry_artifacts ON audit_ledger_entry USING GIN (artifact_hashes);

