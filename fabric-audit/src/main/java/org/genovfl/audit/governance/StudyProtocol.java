package org.genovfl.audit.governance;

/** What the parties of a study may run together once it is ACTIVE; a study names the ones it allows. */
public enum StudyProtocol {
    /** Private set intersection: aligning the parties' patients. */
    PSI,
    /** Vertical federated training of a model. */
    TRAINING,
    /** A genome-wide association scan. */
    GWAS,
    /** Vertical inference with a released model. */
    INFERENCE
}
