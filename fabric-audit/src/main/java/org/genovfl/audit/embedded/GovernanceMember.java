package org.genovfl.audit.embedded;

import java.security.cert.X509Certificate;
import java.util.Objects;
import org.genovfl.audit.governance.GovernanceActor;

/**
 * An organisation whose signed governance requests this party accepts: who it is (its name
 * as studies use it, and whether it is a regulator) and the certificate of its mutual-TLS
 * identity, whose key signs its requests. The embedded ledger's counterpart of Fabric's
 * MSP directory.
 */
public record GovernanceMember(GovernanceActor actor, X509Certificate certificate) {

    public GovernanceMember {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(certificate, "certificate");
    }

    String certificateSha256() {
        return LedgerSigner.certificateSha256(certificate);
    }
}
