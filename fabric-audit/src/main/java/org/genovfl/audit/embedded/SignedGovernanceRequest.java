package org.genovfl.audit.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.genovfl.audit.StrictJsonFields;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;

/**
 * A governance request as the embedded ledger exchanges it between parties (over mutual
 * TLS): the request's canonical JSON, the acting organisation's ECDSA signature over those
 * bytes, and which certificate's key signed. Whoever receives it checks the signature
 * against the certificate it knows for that organisation; the request cannot be changed,
 * nor made in another organisation's name, without its key.
 *
 * @param request GovernanceJson of a GovernanceRequest
 * @param signature SHA256withECDSA over the UTF-8 bytes of {@code request}, DER, base64
 * @param signerCertificateSha256 hex SHA-256 of the signer's certificate (DER)
 */
public record SignedGovernanceRequest(String request, String signature, String signerCertificateSha256) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public SignedGovernanceRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(signerCertificateSha256, "signerCertificateSha256");
    }

    /** {@code {"request":"...","signature":"...","signerCertificateSha256":"..."}} */
    public String toJson() {
        try {
            return JSON.writeValueAsString(new TreeMap<>(Map.of("request", request, "signature", signature,
                    "signerCertificateSha256", signerCertificateSha256)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("signed request cannot be serialised", e);
        }
    }

    /** @throws GovernanceRefusedException INVALID_REQUEST if the JSON is not of that shape */
    public static SignedGovernanceRequest fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            StrictJsonFields.only(node, Set.of("request", "signature", "signerCertificateSha256"));
            return new SignedGovernanceRequest(StrictJsonFields.text(node, "request"),
                    StrictJsonFields.text(node, "signature"), StrictJsonFields.text(node, "signerCertificateSha256"));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new GovernanceRefusedException(GovernanceRefusal.INVALID_REQUEST, null,
                    "not a signed governance request");
        }
    }
}
