package org.genovfl.audit.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditException;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.identity.Identities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fabric client without a network: what it does when no peer answers, and how it reads
 * the chaincode's refusals. The network itself is exercised by the Fabric integration tests.
 */
class FabricAuditLedgerTest {

    @TempDir
    Path directory;

    @Test
    void aPeerThatIsDownIsAnOutageNotARefusal() throws Exception {
        FabricConnection connection = FabricConnection.fromProperties(writeConnection(directory, unusedPort()));
        AuditEvent event = new AuditEvent(UUID.randomUUID(), UUID.randomUUID(), 1, AuditEventType.PROJECT_CREATED,
                "HospitalMSP", Instant.now(), new TreeMap<>(Map.of("spec", "a".repeat(64))), null);
        try (FabricAuditLedger ledger = FabricAuditLedger.connect(connection)) {
            assertThatThrownBy(() -> ledger.append(event))
                    .isExactlyInstanceOf(AuditException.class)
                    .hasMessageContaining("UNAVAILABLE")
                    .satisfies(e -> assertThat(((AuditException) e).eventId()).isEqualTo(event.eventId()));
        }
    }

    @Test
    void readsTheChaincodesStableRefusalCodes() {
        UUID id = UUID.randomUUID();
        GatewayException endorsement = new GatewayException(Status.ABORTED
                .withDescription("failed to endorse transaction, see attached details for more info")
                .asRuntimeException());
        assertThat(FabricAuditLedger.refusal(endorsement)).isNull();
        GatewayException refused = new GatewayException(Status.ABORTED
                .withDescription("chaincode response 500, SEQUENCE_GAP event=" + id + ": sequence 3 does not follow 1")
                .asRuntimeException());
        AuditRefusedException parsed = FabricAuditLedger.refusal(refused);
        assertThat(parsed.refusal()).isEqualTo(AuditRefusal.SEQUENCE_GAP);
        assertThat(parsed.eventId()).isEqualTo(id);
    }

    @Test
    void connectionFileNamesEveryRequiredSetting() throws Exception {
        Path file = directory.resolve("connection-hospital.properties");
        Files.writeString(file, "peer-endpoint=localhost:7051\nmsp-id=HospitalMSP\n");
        assertThatThrownBy(() -> FabricConnection.fromProperties(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls-root-certificate");
    }

    /** A connection file for a peer at {@code port} of 127.0.0.1, with a throw-away identity. */
    static Path writeConnection(Path directory, int port) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=peer0.hospital.genovfl.local,O=hospital.genovfl.local");
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.HOURS)),
                        Date.from(now.plus(1, ChronoUnit.DAYS)), name, keys.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        Files.writeString(directory.resolve("ca.pem"), Identities.toPemString(certificate));
        Files.writeString(directory.resolve("cert.pem"), Identities.toPemString(certificate));
        Files.createDirectories(directory.resolve("keystore"));
        Files.writeString(directory.resolve("keystore/priv_sk"), Identities.toPemString(keys.getPrivate()));
        Path file = directory.resolve("connection-hospital.properties");
        Files.writeString(file, String.join("\n",
                "peer-endpoint=127.0.0.1:" + port,
                "server-name-override=peer0.hospital.genovfl.local",
                "tls-root-certificate=ca.pem",
                "msp-id=HospitalMSP",
                "certificate=cert.pem",
                "private-key=keystore"));
        return file;
    }

    static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
