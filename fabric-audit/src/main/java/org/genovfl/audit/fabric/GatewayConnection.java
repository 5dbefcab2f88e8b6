package org.genovfl.audit.fabric;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Hash;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;

/**
 * One organisation's gateway to the channel: the gRPC channel to its peer and the gateway
 * signing as its client identity. The audit ledger and study governance both use one.
 */
final class GatewayConnection implements AutoCloseable {

    private final ManagedChannel channel;
    private final Gateway gateway;
    private final Network network;

    private GatewayConnection(ManagedChannel channel, Gateway gateway, Network network) {
        this.channel = channel;
        this.gateway = gateway;
        this.network = network;
    }

    /**
     * Connects to the peer named in {@code connection}. The gRPC connection is made lazily,
     * so this succeeds while the peer is down; calls then fail.
     *
     * @throws IllegalArgumentException if a certificate or key file cannot be read
     */
    static GatewayConnection open(FabricConnection connection) {
        Objects.requireNonNull(connection, "connection");
        try {
            ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(connection.peerEndpoint(),
                    TlsChannelCredentials.newBuilder().trustManager(connection.tlsRootCertificate().toFile()).build());
            if (connection.serverNameOverride() != null) {
                builder.overrideAuthority(connection.serverNameOverride());
            }
            ManagedChannel channel = builder.build();
            X509Identity identity;
            try (Reader certificate = Files.newBufferedReader(connection.certificate())) {
                identity = new X509Identity(connection.mspId(), Identities.readX509Certificate(certificate));
            }
            Gateway gateway;
            try (Reader key = Files.newBufferedReader(privateKeyFile(connection.privateKey()))) {
                gateway = Gateway.newInstance()
                        .identity(identity)
                        .signer(Signers.newPrivateKeySigner(Identities.readPrivateKey(key)))
                        .hash(Hash.SHA256)
                        .connection(channel)
                        .evaluateOptions(o -> o.withDeadlineAfter(10, TimeUnit.SECONDS))
                        .endorseOptions(o -> o.withDeadlineAfter(15, TimeUnit.SECONDS))
                        .submitOptions(o -> o.withDeadlineAfter(10, TimeUnit.SECONDS))
                        .commitStatusOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
                        .connect();
            }
            return new GatewayConnection(channel, gateway, gateway.getNetwork(connection.channel()));
        } catch (IOException | CertificateException | InvalidKeyException e) {
            throw new IllegalArgumentException("cannot read the Fabric identity or TLS root certificate: "
                    + e.getMessage(), e);
        }
    }

    Network network() {
        return network;
    }

    @Override
    public void close() {
        gateway.close();
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The gateway's status and each peer's message, for an error that is not a refusal. */
    static String describe(GatewayException e) {
        String details = e.getDetails().stream()
                .map(d -> d.getMspId() + "@" + d.getAddress() + ": " + d.getMessage())
                .collect(Collectors.joining("; "));
        return e.getStatus().getDescription() + (details.isEmpty() ? "" : " [" + details + "]");
    }

    /** The gateway's message and every peer's, where a chaincode's refusal code may be. */
    static List<String> messages(GatewayException e) {
        return Stream.concat(Stream.of(String.valueOf(e.getMessage())),
                e.getDetails().stream().map(detail -> detail.getMessage())).toList();
    }

    /** cryptogen writes the key as the only file of a {@code keystore} directory. */
    private static Path privateKeyFile(Path keyOrDirectory) throws IOException {
        if (!Files.isDirectory(keyOrDirectory)) {
            return keyOrDirectory;
        }
        try (Stream<Path> files = Files.list(keyOrDirectory)) {
            List<Path> keys = files.filter(Files::isRegularFile).toList();
            if (keys.size() != 1) {
                throw new IOException("expected exactly one key file in " + keyOrDirectory + ", found " + keys.size());
            }
            return keys.get(0);
        }
    }
}
