package org.genovfl.audit.embedded;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Signs ledger entries with a party's EC key, as ECDSA over SHA-256. A party uses the key of
 * its mutual-TLS identity, so a regulator who trusts the party's certificate can check its
 * ledger without any other key distribution.
 */
public final class LedgerSigner {

    static final String ALGORITHM = "SHA256withECDSA";

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String certificateSha256;

    /**
     * @throws IllegalArgumentException if the key is not an EC key or does not match the certificate
     */
    public LedgerSigner(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        if (!"EC".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("the ledger signs with ECDSA: an EC key is required, got "
                    + privateKey.getAlgorithm());
        }
        this.certificateSha256 = certificateSha256(certificate);
        byte[] probe = "genovfl-ledger-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!verifies(certificate.getPublicKey(), probe, sign(probe))) {
            throw new IllegalArgumentException("the private key does not belong to the certificate");
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Hex SHA-256 of the certificate's DER encoding, as stored beside each entry. */
    public String certificateSha256() {
        return certificateSha256;
    }

    String sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(data);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a ledger entry", e);
        }
    }

    static boolean verifies(PublicKey key, byte[] data, String base64Signature) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(data);
            return signature.verify(Base64.getDecoder().decode(base64Signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String certificateSha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }
}
