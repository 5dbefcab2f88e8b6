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
    JOINT_COHORT_COMPLETED,
    /** A GWAS scan started at a party (hashes of its parameters, cohort and key or null-model messages). */
    GWAS_SCAN_STARTED,
    /** One block of a lab's variants scanned (digests of its encrypted U and V, counts). */
    GWAS_BLOCK,
    /** A GWAS scan's results released by the coordinator (hash of the summary-statistics file, counts). */
    GWAS_RESULTS_RELEASED
}
