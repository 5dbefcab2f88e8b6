package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The demo's configuration is the secure one users copy: one organisation cannot pass for
 * another (own key store passwords, the CA key away from the parties, certificate pins), one
 * party's people cannot sign in at another, and guessing passwords is throttled.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoSecurityIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String COORDINATION = DemoNetwork.ORGANISATIONS.get(PartyRole.COORDINATOR);

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;

    @BeforeAll
    static void startParties() {
        parties = ThreePartyNetwork.start(directory);
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
    }

    @Test
    @Order(1)
    void certificateFromTheDemoCaForTheCoordinatorIsRefusedByTheLabUnlessItIsThePinnedOne(CapturedOutput output)
            throws Exception {
        URI hello = parties.url(PartyRole.LAB, "/peer/hello");
        HttpResponse<String> genuine = parties.get(parties.client(parties.network.identity(PartyRole.COORDINATOR)), hello, null);
        assertThat(genuine.statusCode()).isEqualTo(200);

        // Whoever gets hold of the CA key can mint the right name from the right CA: the pin still refuses it.
        DemoCertificateAuthority.IssuedIdentity minted = parties.network.certificateAuthority().issue(COORDINATION);
        HttpResponse<String> refused = parties.get(parties.client(minted), hello, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(refused.body()).get("detail").asText())
                .isEqualTo("Certificate does not match the one registered for this organisation.");
        assertThat(output.getOut()).contains("from organisation '" + COORDINATION
                + "': certificate does not match the pinned fingerprint");

        // A certificate of another CA naming the coordinator does not get past the handshake.
        DemoCertificateAuthority.IssuedIdentity rogue = DemoCertificateAuthority.create("Rogue CA").issue(COORDINATION);
        assertThatThrownBy(() -> parties.get(parties.clientInsisting(rogue), hello, null)).isInstanceOf(IOException.class);
    }

    @Test
    @Order(2)
    void keyStoresHaveTheirOwnPasswordsTheCaKeyIsNotAmongThePartiesFilesAndAllIsOwnerOnly() throws Exception {
        Path demo = parties.network.directory();
        Set<String> secrets = new HashSet<>();
        List<String> configurations = new ArrayList<>();
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            Path file = parties.network.propertiesFile(role);
            configurations.add(Files.readString(file));
            Properties config = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                config.load(in);
            }
            secrets.add(config.getProperty("spring.ssl.bundle.jks.party.keystore.password"));
            assertThat(config.getProperty("server.address")).isEqualTo("127.0.0.1");
            for (int peer = 0; peer < 2; peer++) {
                assertThat(config.getProperty("genovfl.peers[" + peer + "].certificate-sha256")).hasSize(64);
            }
        }
        secrets.add(parties.network.trustStorePassword());
        String caPassword = Files.readString(demo.resolve("ca/password")).strip();
        secrets.add(caPassword);
        assertThat(secrets).as("three key store passwords, the trust store's and the CA's").hasSize(5);

        assertThat(demo.resolve("pki/ca.p12")).doesNotExist();
        for (String configuration : configurations) {
            assertThat(configuration).doesNotContain(demo.resolve("ca").toString()).doesNotContain(caPassword);
        }
        for (String ownerOnly : List.of("pki/hospital.p12", "pki/lab.p12", "pki/coordinator.p12", "pki/truststore.p12",
                "ca/ca.p12", "ca/password", "hospital.properties", "lab.properties", "coordinator.properties",
                "credentials.properties")) {
            assertThat(mode(demo.resolve(ownerOnly))).as(ownerOnly).isEqualTo("rw-------");
        }
        for (String ownerOnly : List.of(".", "pki", "ca", "data/hospital", "data/hospital/postgres",
                "data/hospital/keys", "data/hospital/uploads")) {
            assertThat(mode(demo.resolve(ownerOnly))).as(ownerOnly).isEqualTo("rwx------");
        }
        assertThat(mode(demo.resolve("data/hospital/keys/postgres.password"))).isEqualTo("rw-------");
    }

    @Test
    @Order(3)
    void onePartysAccountsDoNotExistAtAnother() throws Exception {
        HttpClient person = parties.client(null);
        for (PartyRole home : DemoNetwork.ORGANISATIONS.keySet()) {
            for (PartyRole other : DemoNetwork.ORGANISATIONS.keySet()) {
                HttpResponse<String> me = person.send(HttpRequest.newBuilder(parties.url(other, "/api/me"))
                        .header("Authorization", parties.network.authorization(home, "admin")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(me.statusCode()).as("%s's admin at %s", home, other).isEqualTo(home == other ? 200 : 401);
            }
        }
        assertThat(parties.network.password(PartyRole.HOSPITAL, "admin"))
                .isNotEqualTo(parties.network.password(PartyRole.LAB, "admin"));
    }

    /** Runs last: it leaves the lab's regulator account throttled for 127.0.0.1. */
    @Test
    @Order(4)
    void repeatedWrongPasswordsAreThrottledLoggedAndDoNotLockTheRealUserOutFromElsewhere(CapturedOutput output)
            throws Exception {
        HttpClient person = parties.client(null);
        URI me = parties.url(PartyRole.LAB, "/api/me");
        String account = DemoNetwork.username(PartyRole.LAB, "regulator");
        String wrongPassword = "Wrong-Horse-7431";
        for (int attempt = 0; attempt < 10; attempt++) {
            HttpResponse<String> wrong = person.send(HttpRequest.newBuilder(me)
                    .header("Authorization", ThreePartyNetwork.basic(account, wrongPassword)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).as("attempt %d", attempt).isEqualTo(401);
        }
        String rightAuthorization = parties.network.authorization(PartyRole.LAB, "regulator");
        HttpResponse<String> throttled = person.send(HttpRequest.newBuilder(me)
                .header("Authorization", rightAuthorization).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(throttled.body()).get("status").asInt()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 15 * 60L));

        // The real user, signing in from another address, is not locked out.
        assertThat(statusLineFrom(InetAddress.getByName("127.0.0.2"), me, rightAuthorization)).contains(" 200 ");

        String log = output.getOut();
        assertThat(log.lines().filter(l -> l.contains("Failed sign-in: account '" + account + "', address 127.0.0.1")))
                .hasSize(10);
        assertThat(log).contains("Refused sign-in: account '" + account + "', address 127.0.0.1: too many failures")
                .doesNotContain(wrongPassword);
    }

    /** An HTTPS GET sent from {@code source} (the JDK's HttpClient cannot choose its local address). */
    private static String statusLineFrom(InetAddress source, URI uri, String authorization) throws Exception {
        KeyStore trust = DemoCertificateAuthority.load(parties.network.trustStore(),
                parties.network.trustStorePassword().toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", uri.getPort(), source, 0)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

}
