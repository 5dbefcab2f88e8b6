package org.genovfl.audit.fabric;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * How one organisation reaches the audit channel: its peer's gateway endpoint and TLS root,
 * and the client identity (MSP id, certificate, private key) it signs transactions with.
 *
 * <p>{@code ./genovfl fabric up} writes one properties file per organisation,
 * {@code connection-<org>.properties}, with the keys of {@link #fromProperties}.
 *
 * @param peerEndpoint host:port of the peer's gateway service
 * @param serverNameOverride TLS server name of the peer when it differs from the host (or null)
 * @param privateKey a PEM key file, or a directory holding exactly one (cryptogen's keystore)
 */
public record FabricConnection(String peerEndpoint, String serverNameOverride, Path tlsRootCertificate,
        String mspId, Path certificate, Path privateKey, String channel, String chaincode) {

    public static final String DEFAULT_CHANNEL = "genovfl-audit";
    public static final String DEFAULT_CHAINCODE = "genovfl-audit";

    public FabricConnection {
        Objects.requireNonNull(peerEndpoint, "peerEndpoint");
        Objects.requireNonNull(tlsRootCertificate, "tlsRootCertificate");
        Objects.requireNonNull(mspId, "mspId");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        channel = channel == null || channel.isBlank() ? DEFAULT_CHANNEL : channel;
        chaincode = chaincode == null || chaincode.isBlank() ? DEFAULT_CHAINCODE : chaincode;
    }

    /**
     * Reads {@code peer-endpoint}, {@code server-name-override}, {@code tls-root-certificate},
     * {@code msp-id}, {@code certificate}, {@code private-key}, {@code channel} and
     * {@code chaincode}; relative paths resolve against the file's directory.
     *
     * @throws IllegalArgumentException if a required key is missing
     */
    public static FabricConnection fromProperties(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fabric connection " + file, e);
        }
        Path base = file.toAbsolutePath().getParent();
        return new FabricConnection(required(properties, "peer-endpoint", file),
                properties.getProperty("server-name-override"),
                base.resolve(required(properties, "tls-root-certificate", file)),
                required(properties, "msp-id", file),
                base.resolve(required(properties, "certificate", file)),
                base.resolve(required(properties, "private-key", file)),
                properties.getProperty("channel"), properties.getProperty("chaincode"));
    }

    private static String required(Properties properties, String key, Path file) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(file + ": " + key + " is missing");
        }
        return value.trim();
    }
}
