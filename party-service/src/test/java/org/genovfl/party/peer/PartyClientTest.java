package org.genovfl.party.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's retry and error-mapping rules against a scripted peer on loopback (plain
 * HTTP: TLS itself is exercised by the three-party integration tests).
 */
class PartyClientTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private PartyClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
        client = new PartyClient(null, null,
                new PartyProperties.Client(Duration.ofSeconds(2), Duration.ofSeconds(5), 3, Duration.ofMillis(10)),
                new ObjectMapper());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PartyProperties.Peer peer() {
        return new PartyProperties.Peer("Helix Sequencing Lab", PartyRole.LAB,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null);
    }

    private void respond(String path, int failuresFirst, int status, String contentType, String body) {
        server.createContext(path, exchange -> {
            int call = calls.incrementAndGet();
            byte[] bytes = (call <= failuresFirst ? "" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(call <= failuresFirst ? 503 : status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @Test
    void getIsRetriedOnTransientStatusesWithBackoff() {
        respond("/peer/hello", 2, 200, "application/json", "{\"organisation\":\"Helix Sequencing Lab\"}");
        PeerGreeting greeting = client.get(peer(), "/peer/hello", PeerGreeting.class);
        assertThat(greeting.organisation()).isEqualTo("Helix Sequencing Lab");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void countsTheBodyBytesOfEachCallToAPeer() {
        String answer = "{\"received\":true}";
        respond("/peer/psi", 0, 200, "application/json", answer);
        client.post(peer(), "/peer/psi", Map.of("a", 1), Map.class); // {"a":1}
        client.postStream(peer(), "/peer/psi", "application/octet-stream",
                new java.io.ByteArrayInputStream(new byte[1000]), Duration.ofSeconds(5), InputStream::readAllBytes);

        PeerTraffic.Bytes traffic = client.traffic("Helix Sequencing Lab");
        assertThat(traffic.sent()).isEqualTo("{\"a\":1}".length() + 1000);
        assertThat(traffic.received()).isEqualTo(2L * answer.length());
        assertThat(client.traffic("Another Lab")).isEqualTo(new PeerTraffic.Bytes(0, 0));
    }

    @Test
    void postIsNotRetriedOnceThePeerMayHaveActed() {
        respond("/peer/psi", 1, 200, "application/json", "{}");
        assertThatThrownBy(() -> client.post(peer(), "/peer/psi", Map.of("a", 1), Map.class))
                .isInstanceOf(PeerCallException.class)
                .satisfies(e -> assertThat(((PeerCallException) e).problem().getStatus()).isEqualTo(503));
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void peersProblemDetailIsKept() {
        respond("/peer/psi", 0, 422, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Unprocessable Entity\",\"status\":422,\"detail\":\"point is the identity\"}");
        assertThatThrownBy(() -> client.post(peer(), "/peer/psi", Map.of(), Map.class))
                .isInstanceOf(PeerCallException.class)
                .satisfies(e -> {
                    PeerCallException failure = (PeerCallException) e;
                    assertThat(failure.organisation()).isEqualTo("Helix Sequencing Lab");
                    assertThat(failure.problem().getStatus()).isEqualTo(422);
                    assertThat(failure.problem().getDetail()).isEqualTo("point is the identity");
                });
    }

    @Test
    void unreachablePeerIsRetriedThenReportedAsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var gone = new PartyProperties.Peer("Helix Sequencing Lab", PartyRole.LAB,
                URI.create("http://127.0.0.1:" + closedPort), null);
        assertThatThrownBy(() -> client.post(gone, "/peer/psi", Map.of(), Map.class))
                .isInstanceOf(PeerCallException.class)
                .satisfies(e -> {
                    PeerCallException failure = (PeerCallException) e;
                    assertThat(failure.problem().getStatus()).isEqualTo(503);
                    assertThat(failure.problem().getDetail()).contains("could not be reached").contains("ConnectException");
                });
    }
}
