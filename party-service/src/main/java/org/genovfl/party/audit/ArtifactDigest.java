package org.genovfl.party.audit;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 and size of a file a regulator holds, read as a stream so a large model or
 * export never sits in memory: what the ledger is searched for.
 */
public record ArtifactDigest(String sha256, long sizeBytes) {

    /** Hex SHA-256 of {@code bytes}, as audit events record artifacts. */
    public static String sha256(byte[] bytes) {
        try {
            return of(new java.io.ByteArrayInputStream(bytes)).sha256();
        } catch (IOException e) {
            throw new IllegalStateException("reading memory cannot fail", e);
        }
    }

    public static ArtifactDigest of(InputStream body) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
        long size = 0;
        try (DigestInputStream digesting = new DigestInputStream(body, sha256)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = digesting.read(buffer)) != -1; ) {
                size += n;
            }
        }
        return new ArtifactDigest(HexFormat.of().formatHex(sha256.digest()), size);
    }
}
