package org.genovfl.party.gwas;

import java.util.UUID;
import org.genovfl.party.peer.ProtocolRunException;

/**
 * A GWAS message refused, or a scan that could not go on, with the scan and a stable reason;
 * the peer API answers it as a problem detail with the reason's status.
 */
public class GwasScanException extends ProtocolRunException {

    public GwasScanException(UUID scanId, Reason reason, String message) {
        this(scanId, reason, message, null);
    }

    public GwasScanException(UUID scanId, Reason reason, String message, Throwable cause) {
        super("GWAS scan", scanId, reason, message, cause);
    }

    @Override
    protected String title() {
        return reason() == Reason.PEER_FAILURE ? "GWAS scan failed" : "GWAS message refused";
    }
}
