package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hospital, lab and coordinator party services started in this JVM on free ports, each
 * with its own embedded PostgreSQL, configured exactly as the demo configures them; and,
 * if asked, further labs that the hospital and the coordinator know as peers.
 */
final class ThreePartyNetwork implements AutoCloseable {

    final DemoNetwork network;
    private final Map<PartyRole, ConfigurableApplicationContext> services = new EnumMap<>(PartyRole.class);
    private final Map<String, ConfigurableApplicationContext> extraLabs = new LinkedHashMap<>();
    private final Map<String, Integer> extraLabPorts = new HashMap<>();

    private ThreePartyNetwork(DemoNetwork network) {
        this.network = network;
    }

    static ThreePartyNetwork start(Path directory) {
        return start(directory, List.of());
    }

    /**
     * The three parties and a lab of each name in {@code extraLabs}, each a registered peer of
     * the hospital and the coordinator.
     */
    static ThreePartyNetwork start(Path directory, List<String> extraLabs) {
        return start(directory, extraLabs, Map.of());
    }

    /** The three parties, each configured with {@code settings} on top of the demo's configuration. */
    static ThreePartyNetwork start(Path directory, Map<String, String> settings) {
        return start(directory, List.of(), settings);
    }

    private static ThreePartyNetwork start(Path directory, List<String> extraLabs, Map<String, String> settings) {
        Map<PartyRole, Integer> ports = new EnumMap<>(PartyRole.class);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            ports.put(role, freePort());
        }
        ThreePartyNetwork started = new ThreePartyNetwork(DemoNetwork.openOrCreate(directory, ports));
        try {
            for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
                Properties configuration = load(started.network.propertiesFile(role));
                settings.forEach(configuration::setProperty);
                store(configuration, started.network.propertiesFile(role));
            }
            for (int i = 0; i < extraLabs.size(); i++) {
                started.configureExtraLab(extraLabs.get(i), i);
            }
            for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
                started.services.put(role, run(started.network.propertiesFile(role)));
            }
            for (String lab : extraLabs) {
                started.extraLabs.put(lab, run(started.extraLabProperties(lab)));
            }
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private static ConfigurableApplicationContext run(Path properties) {
        return new SpringApplicationBuilder(PartyServiceApplication.class)
                .properties("spring.config.additional-location=file:" + properties).run();
    }

    /**
     * Writes the configuration of another lab (the demo lab's, with its own name, certificate,
     * port and data) and adds it to the hospital's and the coordinator's peers.
     */
    private void configureExtraLab(String organisation, int index) {
        Path properties = extraLabProperties(organisation);
        Path keyStore = properties.resolveSibling("pki/extra-lab-" + index + ".p12");
        Properties lab = load(network.propertiesFile(PartyRole.LAB));
        // The lab's settings and accounts, but a key store and password of its own.
        String keyStorePassword = UUID.randomUUID().toString();
        DemoCertificateAuthority.writeKeyStore(network.issue(organisation), keyStore, keyStorePassword.toCharArray());
        lab.setProperty("spring.ssl.bundle.jks.party.keystore.password", keyStorePassword);
        lab.setProperty("spring.ssl.bundle.jks.party.key.password", keyStorePassword);
        int port = freePort();
        extraLabPorts.put(organisation, port);
        lab.setProperty("genovfl.organisation", organisation);
        lab.setProperty("genovfl.data-directory", properties.resolveSibling("data/extra-lab-" + index).toString());
        lab.setProperty("server.port", Integer.toString(port));
        lab.setProperty("spring.ssl.bundle.jks.party.keystore.location", "file:" + keyStore.toAbsolutePath());
        store(lab, properties);
        for (PartyRole knowsIt : List.of(PartyRole.HOSPITAL, PartyRole.COORDINATOR)) {
            Properties config = load(network.propertiesFile(knowsIt));
            int peer = (int) config.stringPropertyNames().stream()
                    .filter(key -> key.matches("genovfl\\.peers\\[\\d+]\\.role")).count();
            config.setProperty("genovfl.peers[" + peer + "].organisation", organisation);
            config.setProperty("genovfl.peers[" + peer + "].role", PartyRole.LAB.name());
            config.setProperty("genovfl.peers[" + peer + "].url", "https://localhost:" + port);
            store(config, network.propertiesFile(knowsIt));
        }
    }

    private Path extraLabProperties(String organisation) {
        return network.directory().resolve("extra-lab-" + PartyRegistry.idOf(organisation) + ".properties");
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void store(Properties properties, Path file) {
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, "GenoVFL test network");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI extraLabUrl(String organisation, String path) {
        return URI.create("https://localhost:" + extraLabPorts.get(organisation)).resolve(path);
    }

    /** A bean of the extra lab {@code organisation}'s service. */
    <T> T extraLabBean(String organisation, Class<T> type) {
        return extraLabs.get(organisation).getBean(type);
    }

    /** A bean of {@code role}'s service, e.g. its JdbcClient to seed test data. */
    <T> T bean(PartyRole role, Class<T> type) {
        return services.get(role).getBean(type);
    }

    /** Stops {@code role}'s service (and its embedded PostgreSQL), as a crash would, minus the mess. */
    void stop(PartyRole role) {
        ConfigurableApplicationContext context = services.remove(role);
        if (context != null) {
            context.close();
        }
    }

    /** Starts {@code role}'s service again on the same port and data directory. */
    void restart(PartyRole role) {
        stop(role);
        services.put(role, run(network.propertiesFile(role)));
    }

    /** The running application context of {@code role}'s service, e.g. to listen to its events. */
    ConfigurableApplicationContext context(PartyRole role) {
        return services.get(role);
    }

    URI url(PartyRole role, String path) {
        return network.url(role).resolve(path);
    }

    /** An HTTPS client that trusts the demo CA and presents {@code identity} (or no certificate if null). */
    HttpClient client(DemoCertificateAuthority.IssuedIdentity identity) {
        return clientTrusting(identity, DemoCertificateAuthority.load(network.trustStore(), trustStorePassword()));
    }

    /**
     * A client that presents {@code identity} even when the server asks for certificates of
     * other CAs, as a non-Java client or an attacker would; the JDK's own key manager would
     * quietly send no certificate instead.
     */
    HttpClient clientInsisting(DemoCertificateAuthority.IssuedIdentity identity) {
        KeyStore trust = DemoCertificateAuthority.load(network.trustStore(), trustStorePassword());
        KeyManager insisting = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"party"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "party";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "party";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return identity.chain();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return identity.keyPair().getPrivate();
            }
        };
        return build(new KeyManager[] {insisting}, trust);
    }

    static HttpClient clientTrusting(DemoCertificateAuthority.IssuedIdentity identity, KeyStore trust) {
        try {
            KeyManager[] keyManagers = null;
            if (identity != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(DemoCertificateAuthority.keyStoreOf(identity, "x".toCharArray()), "x".toCharArray());
                keyManagers = kmf.getKeyManagers();
            }
            return build(keyManagers, trust);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient build(KeyManager[] keyManagers, KeyStore trust) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            ssl.init(keyManagers, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ssl).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(HttpClient client, URI uri, String account) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (account != null) {
            request.header("Authorization", basic(uri, account));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * POSTs {@code body} as JSON with {@code client}, signed in with {@code authorization}
     * (an Authorization header value, or null for a peer call authenticated by its certificate).
     */
    static HttpResponse<String> postJson(HttpClient client, URI uri, String authorization, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TrainingFixture.JSON.writeValueAsString(body)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Polls a PSI run's view ({@code GET /api/psi/runs/{id}} at {@code runUrl}, as the demo
     * admin) until it is no longer RUNNING or CONFIRMED, for at most 60 s.
     */
    JsonNode awaitPsiRunFinished(URI runUrl) throws IOException, InterruptedException {
        HttpClient person = client(null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = get(person, runUrl, "admin");
            JsonNode run = TrainingFixture.JSON.readTree(response.body());
            if (response.statusCode() == 200 && !Set.of("RUNNING", "CONFIRMED").contains(run.get("status").asText())) {
                return run;
            }
            assertThat(System.nanoTime()).as("run at %s still running: %s", runUrl, run).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The Authorization header of {@code party}'s demo account of kind {@code account} ("admin", ...). */
    String basic(PartyRole party, String account) {
        return network.authorization(party, account);
    }

    /**
     * The Authorization header of the demo account of kind {@code account} at the party that
     * {@code target} addresses (an extra lab has the lab's accounts).
     */
    String basic(URI target, String account) {
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            if (network.url(role).getPort() == target.getPort()) {
                return basic(role, account);
            }
        }
        if (extraLabPorts.containsValue(target.getPort())) {
            return basic(PartyRole.LAB, account);
        }
        throw new IllegalArgumentException("no party at " + target);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    char[] trustStorePassword() {
        return network.trustStorePassword().toCharArray();
    }

    @Override
    public void close() {
        extraLabs.values().forEach(ConfigurableApplicationContext::close);
        services.values().forEach(ConfigurableApplicationContext::close);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
