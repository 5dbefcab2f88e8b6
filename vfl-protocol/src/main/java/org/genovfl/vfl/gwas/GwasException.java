package org.genovfl.vfl.gwas;

import org.genovfl.vfl.gwas.GwasMessages.RunId;

/**
 * A scan failed: the run, the block (-1 when the failure is not about one block) and the
 * stage say where, for the party service's retry and audit.
 */
public final class GwasException extends RuntimeException {

    /** What went wrong. */
    public enum Stage {
        /** A message arrived that the recipient's state does not expect. */
        OUT_OF_ORDER,
        /** A message for another run, lab or block, or with shapes that do not match. */
        MISMATCH,
        /** The release rules refuse the run (e.g. too small a cohort). */
        RELEASE_REFUSED
    }

    private final transient RunId run;
    private final int block;
    private final Stage stage;

    public GwasException(RunId run, int block, Stage stage, String message) {
        super("GWAS run " + run.project() + "/" + run.run() + (block >= 0 ? " block " + block : "") + ": " + message);
        this.run = run;
        this.block = block;
        this.stage = stage;
    }

    public RunId run() {
        return run;
    }

    public int block() {
        return block;
    }

    public Stage stage() {
        return stage;
    }
}
