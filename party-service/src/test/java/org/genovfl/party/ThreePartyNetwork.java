package org.genovfl.party;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
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
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hospital, lab and coordinator party services started in this JVM on free ports, each
 * with its own embedded PostgreSQL, configured exactly as the demo configures them.
 */
final class ThreePartyNetwork implements AutoCloseable {

    final DemoNetwork network;
    private final Map<PartyRole, ConfigurableApplicationContext> services = new EnumMap<>(PartyRole.class);

    private ThreePartyNetwork(DemoNetwork network) {
        this.network = network;
    }

    static ThreePartyNetwork start(Path directory) {
        Map<PartyRole, Integer> ports = new EnumMap<>(PartyRole.class);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            ports.put(role, freePort());
        }
        ThreePartyNetwork started = new ThreePartyNetwork(DemoNetwork.openOrCreate(directory, ports));
        try {
            for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
                started.services.put(role, new SpringApplicationBuilder(PartyServiceApplication.class)
                        .properties("spring.config.additional-location=file:" + started.network.propertiesFile(role))
                        .run());
            }
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
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
        services.put(role, new SpringApplicationBuilder(PartyServiceApplication.class)
                .properties("spring.config.additional-location=file:" + network.propertiesFile(role))
                .run());
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
        return clientTrusting(identity, DemoCertificateAuthority.load(network.trustStore(), storePassword()));
    }

    /**
     * A client that presents {@code identity} even when the server asks for certificates of
     * other CAs, as a non-Java client or an attacker would; the JDK's own key manager would
     * quietly send no certificate instead.
     */
    HttpClient clientInsisting(DemoCertificateAuthority.IssuedIdentity identity) {
        KeyStore trust = DemoCertificateAuthority.load(network.trustStore(), storePassword());
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
            request.header("Authorization", basic(account, network.password(account)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    char[] storePassword() {
        return network.storePassword().toCharArray();
    }

    @Override
    public void close() {
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
