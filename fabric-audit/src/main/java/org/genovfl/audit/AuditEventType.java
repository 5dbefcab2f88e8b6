package org.genovfl.audit;

/** The steps of a study that leave a trace on the audit ledger. */
public enum AuditEventType {
    PROJECT_CREATED,
    CONSENT_SNAPSHOT,
    PSI_COMPLETED,
    KEY_SETUP,
    TRAINING_ROUND,
    MODEL_RELEASED,
    INFERENCE_REQUESTED,
    INFERENCE_COMPLETED,
    /** A joint cohort across the hospital and several labs completed (hashes of it and of its sources). */
    JOINT_COHORT_COMPLETED
}
