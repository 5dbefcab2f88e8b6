package org.genovfl.party.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.Certificates;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.genovfl.party.security.pki.DemoCertificateAuthority.IssuedIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outgoing calls check the called peer's pinned certificate, as incoming calls do: a peer
 * that presents a certificate the trusted CA signed, but not the pinned one, is refused in
 * the TLS handshake with a clear problem, and nothing of the request reaches it. Real TLS
 * on loopback with a demo CA.
 */
class PartyClientPinTest {

    private static final String LAB = "Helix Sequencing Lab";
    private static final char[] PASSWORD = "test".toCharArray();

    record PeerAnswer(boolean received) {
    }

    private final DemoCertificateAuthority ca = DemoCertificateAuthority.create("Pin Test CA");
    /** The certificate the lab's peers pin. */
    private final IssuedIdentity pinnedLab = ca.issue(LAB);
    /** Same CA, same organisation, another key: what answers at the lab's address. */
    private final IssuedIdentity presentedLab = ca.issue(LAB);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesReceived = new AtomicLong();
    private HttpsServer server;
    private PartyClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls(presentedLab)));
        server.createContext("/peer/psi", exchange -> {
            requests.incrementAndGet();
            bytesReceived.addAndGet(exchange.getRequestBody().readAllBytes().length);
            byte[] answer = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        IssuedIdentity hospital = ca.issue("Northbridge University Hospital");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(DemoCertificateAuthority.keyStoreOf(hospital, PASSWORD), PASSWORD);
        client = new PartyClient(keys.getKeyManagers(), trust().getTrustManagers(),
                new PartyProperties.Client(Duration.ofSeconds(2), Duration.ofSeconds(5), 3, Duration.ofMillis(10)),
                new ObjectMapper());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TrustManagerFactory trust() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust;
    }

    private SSLContext tls(IssuedIdentity identity) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(DemoCertificateAuthority.keyStoreOf(identity, PASSWORD), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust().getTrustManagers(), null);
        return context;
    }

    private PartyProperties.Peer lab(String pin) {
        return new PartyProperties.Peer(LAB, PartyRole.LAB,
                URI.create("https://localhost:" + server.getAddress().getPort()), pin);
    }

    @Test
    void aPeerPresentingAnotherCaSignedCertificateThanThePinnedOneIsRefusedAndSentNothing() {
        PeerCallException refused = catchThrowableOfType(PeerCallException.class, () ->
                client.post(lab(Certificates.sha256(pinnedLab.certificate())), "/peer/psi",
                        Map.of("rows", "MRK-PIN-PAYLOAD"), Map.class));

        assertThat(refused).as("the call was refused").isNotNull();
        assertThat(refused.organisation()).isEqualTo(LAB);
        assertThat(refused.problem().getTitle()).isEqualTo("Peer certificate not the pinned one");
        assertThat(refused.problem().getDetail())
                .contains(LAB, Certificates.sha256(presentedLab.certificate()), "does not match the pinned fingerprint",
                        "nothing was sent")
                .doesNotContain("MRK-PIN-PAYLOAD");
        assertThat(requests.get()).as("requests that reached the impostor").isZero();
        assertThat(bytesReceived.get()).isZero();
        assertThat(client.traffic(LAB).sent()).as("bytes counted as sent").isZero();
    }

    @Test
    void aStreamedCallToAPeerWithTheWrongCertificateIsRefusedAlike() {
        PeerCallException refused = catchThrowableOfType(PeerCallException.class, () ->
                client.postStream(lab(Certificates.sha256(pinnedLab.certificate())), "/peer/psi",
                        "application/octet-stream", new java.io.ByteArrayInputStream(new byte[1000]),
                        Duration.ofSeconds(5), in -> in.readAllBytes()));

        assertThat(refused).isNotNull();
        assertThat(refused.problem().getTitle()).isEqualTo("Peer certificate not the pinned one");
        assertThat(requests.get()).isZero();
        assertThat(client.traffic(LAB).sent()).isZero();
    }

    @Test
    void thePinnedCertificateOrNoPinIsAccepted() {
        // The same set-up succeeds when the pin names the certificate presented (so the
        // refusal above is the pin's doing), and without a pin the CA's signature suffices.
        PeerAnswer pinnedAnswer = client.post(lab(Certificates.sha256(presentedLab.certificate()).toUpperCase()),
                "/peer/psi", Map.of("a", 1), PeerAnswer.class);
        PeerAnswer unpinnedAnswer = client.post(lab(null), "/peer/psi", Map.of("a", 1), PeerAnswer.class);

        assertThat(pinnedAnswer).isEqualTo(new PeerAnswer(true));
        assertThat(unpinnedAnswer).isEqualTo(new PeerAnswer(true));
        assertThat(requests.get()).isEqualTo(2);
    }
}
