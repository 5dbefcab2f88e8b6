package org.genovfl.party.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Reading the facts GenoVFL relies on out of X.509 certificates. */
public final class Certificates {

    private Certificates() {
    }

    /** The organisation (O=) of the certificate's subject, if it names exactly one. */
    public static Optional<String> organisation(X509Certificate certificate) {
        try {
            String found = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("O".equalsIgnoreCase(rdn.getType())) {
                    if (found != null) {
                        return Optional.empty();
                    }
                    found = rdn.getValue().toString();
                }
            }
            return Optional.ofNullable(found).filter(o -> !o.isBlank());
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    /** Hex SHA-256 of the certificate's DER encoding, the form used to pin a peer. */
    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
