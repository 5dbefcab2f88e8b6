package org.genovfl.party.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.Certificates;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The configuration of a hospital, a lab and a coordinator on one machine: a local CA, a
 * certificate per party, key and trust stores, one properties file per party and the
 * demo accounts. Written once into a directory and reused on later runs, so the parties'
 * databases and identities survive restarts. It shows the secure way, since it is what
 * users copy:
 *
 * <ul>
 *   <li>Each organisation's key store ({@code pki/<party>.p12}) has its own random password,
 *       found only in that party's properties file. The trust store holds certificates only
 *       and has a password of its own.
 *   <li>The CA's private key is kept in {@code ca/} (its own password in {@code ca/password}),
 *       which no party's configuration references: with it anyone could mint a certificate
 *       for any organisation. It is kept rather than destroyed because the demo and its tests
 *       issue further identities (another lab, a stranger) from it; a real deployment keeps
 *       its CA off the parties' machines altogether.
 *   <li>Each party pins its peers' certificates ({@code genovfl.peers[i].certificate-sha256}),
 *       so even a certificate from the right CA with the right O= is refused unless it is the
 *       one configured.
 *   <li>Each party has its own people: {@code <party>-admin} (PARTY_ADMIN),
 *       {@code <party>-coordinator} (COORDINATOR) and {@code <party>-regulator} (REGULATOR),
 *       {@code <party>} being {@code hospital}, {@code lab} or {@code coordination}, each with
 *       its own random password (in {@code credentials.properties}); the parties hold BCrypt
 *       hashes. An account of one party does not exist at another.
 *   <li>Every file and directory is owner-only (0600/0700); the services listen on 127.0.0.1.
 * </ul>
 */
public final class DemoNetwork {

    /** The organisations of the demo, in the order they are started. */
    public static final Map<PartyRole, String> ORGANISATIONS = new EnumMap<>(Map.of(
            PartyRole.HOSPITAL, "St Ada University Hospital",
            PartyRole.LAB, "Helix Sequencing Lab",
            PartyRole.COORDINATOR, "GenoVFL Study Coordination"));

    /** The kinds of account each party has; {@link #username} names a party's account of a kind. */
    public static final List<String> ACCOUNTS = List.of("admin", "coordinator", "regulator");

    /**
     * Where the parties run, which decides how they call each other. {@code ONE_MACHINE}: each
     * listens on 127.0.0.1 at its own port and calls the others at localhost, with its data in
     * {@code <directory>/data/<party>}. {@code CONTAINERS} (docker/compose.yaml): each listens on
     * port {@value #CONTAINER_PORT} of its own container (on every interface of the container;
     * the engine publishes the port on the host's 127.0.0.1 only), calls the others by their
     * service names ({@link #host}), which its certificate names too, and keeps its data in
     * {@value #CONTAINER_DATA_DIRECTORY} (a volume).
     */
    public enum Placement { ONE_MACHINE, CONTAINERS }

    public static final int CONTAINER_PORT = 8443;
    static final String CONTAINER_DATA_DIRECTORY = "/var/lib/genovfl";

    /** Written into credentials.properties; a directory without it is from an older, insecure layout. */
    private static final String LAYOUT = "layout";
    private static final String PLACEMENT = "placement";
    private static final String CURRENT_LAYOUT = "2";
    private static final String KEY_STORE_PASSWORD = "spring.ssl.bundle.jks.party.keystore.password";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Map<PartyRole, Integer> ports;
    private final Placement placement;
    private final Properties credentials;

    private DemoNetwork(Path directory, Map<PartyRole, Integer> ports, Placement placement, Properties credentials) {
        this.directory = directory;
        this.ports = ports;
        this.placement = placement;
        this.credentials = credentials;
    }

    /**
     * Opens the network configured in {@code directory}, writing it first if absent. A
     * configuration written by an older version (one password for every key store, the CA key
     * among the parties' files, the same accounts everywhere) is written anew; the parties'
     * data directories are kept.
     *
     * @param ports the HTTPS port of each party; used only when the configuration is written
     */
    public static DemoNetwork openOrCreate(Path directory, Map<PartyRole, Integer> ports) {
        return openOrCreate(directory, ports, Placement.ONE_MACHINE);
    }

    /**
     * The same for parties in containers ({@link Placement#CONTAINERS}). A directory written
     * for the other placement is written anew.
     */
    public static DemoNetwork openOrCreateForContainers(Path directory) {
        Map<PartyRole, Integer> ports = new EnumMap<>(PartyRole.class);
        ORGANISATIONS.keySet().forEach(role -> ports.put(role, CONTAINER_PORT));
        return openOrCreate(directory, ports, Placement.CONTAINERS);
    }

    private static DemoNetwork openOrCreate(Path directory, Map<PartyRole, Integer> ports, Placement placement) {
        Path credentialsFile = directory.resolve("credentials.properties");
        if (!Files.exists(credentialsFile) || !CURRENT_LAYOUT.equals(read(credentialsFile).getProperty(LAYOUT))
                || !placement.name().equals(read(credentialsFile).getProperty(PLACEMENT, Placement.ONE_MACHINE.name()))) {
            write(directory, ports, placement);
        }
        Properties credentials = read(credentialsFile);
        Map<PartyRole, Integer> actualPorts = new EnumMap<>(PartyRole.class);
        for (PartyRole role : ORGANISATIONS.keySet()) {
            actualPorts.put(role, Integer.parseInt(read(directory.resolve(propertiesName(role))).getProperty("server.port")));
        }
        return new DemoNetwork(directory, actualPorts, placement, credentials);
    }

    public Path directory() {
        return directory;
    }

    /** The configuration file of {@code role}'s party service. */
    public Path propertiesFile(PartyRole role) {
        return directory.resolve(propertiesName(role));
    }

    /** Where {@code role}'s peers call it (in the containers' network for {@link Placement#CONTAINERS}). */
    public URI url(PartyRole role) {
        return url(placement, role, ports.get(role));
    }

    private static URI url(Placement placement, PartyRole role, int port) {
        return URI.create("https://" + (placement == Placement.CONTAINERS ? host(role) : "localhost") + ":" + port);
    }

    /** The host name of {@code role}'s container: its service name in docker/compose.yaml. */
    public static String host(PartyRole role) {
        return role.name().toLowerCase();
    }

    /** The user name of {@code party}'s account of kind {@code account} (one of {@link #ACCOUNTS}). */
    public static String username(PartyRole party, String account) {
        if (!ACCOUNTS.contains(account)) {
            throw new IllegalArgumentException("no demo account kind " + account);
        }
        return switch (party) {
            case HOSPITAL -> "hospital";
            case LAB -> "lab";
            case COORDINATOR -> "coordination";
            case REGULATOR -> throw new IllegalArgumentException("the demo runs no regulator party");
        } + "-" + account;
    }

    /** Clear password of {@code party}'s account of kind {@code account}. */
    public String password(PartyRole party, String account) {
        return credentials.getProperty(username(party, account));
    }

    /** The HTTP Basic {@code Authorization} header value of {@code party}'s account of kind {@code account}. */
    public String authorization(PartyRole party, String account) {
        return "Basic " + Base64.getEncoder().encodeToString((username(party, account) + ":" + password(party, account))
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An identity the parties accept as {@code organisation}: for a demo organisation its own
     * key and certificate (the one its peers pin), for any other name a new certificate from
     * the demo CA, e.g. for another lab or a stranger.
     */
    public DemoCertificateAuthority.IssuedIdentity issue(String organisation) {
        for (PartyRole role : ORGANISATIONS.keySet()) {
            if (ORGANISATIONS.get(role).equals(organisation)) {
                return identity(role);
            }
        }
        return certificateAuthority().issue(organisation);
    }

    /** {@code role}'s own key and certificate chain, from its key store. */
    public DemoCertificateAuthority.IssuedIdentity identity(PartyRole role) {
        char[] password = read(propertiesFile(role)).getProperty(KEY_STORE_PASSWORD).toCharArray();
        KeyStore store = DemoCertificateAuthority.load(keyStore(role), password);
        try {
            Certificate[] chain = store.getCertificateChain("party");
            X509Certificate[] certificates = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
            PrivateKey key = (PrivateKey) store.getKey("party", password);
            return new DemoCertificateAuthority.IssuedIdentity(ORGANISATIONS.get(role),
                    new KeyPair(certificates[0].getPublicKey(), key), certificates);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store of " + role, e);
        }
    }

    /** The demo CA, with its private key: for issuing identities outside the three parties. */
    public DemoCertificateAuthority certificateAuthority() {
        try {
            char[] password = Files.readString(directory.resolve("ca/password")).strip().toCharArray();
            return DemoCertificateAuthority.open(directory.resolve("ca/ca.p12"), password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo CA's password", e);
        }
    }

    public Path trustStore() {
        return directory.resolve("pki/truststore.p12");
    }

    /** Password of {@link #trustStore()} (certificates only; no key store shares it). */
    public String trustStorePassword() {
        return credentials.getProperty("truststore-password");
    }

    private Path keyStore(PartyRole role) {
        return directory.resolve("pki/" + role.name().toLowerCase() + ".p12");
    }

    private static void write(Path directory, Map<PartyRole, Integer> ports, Placement placement) {
        try {
            Files.createDirectories(directory);
            ownerOnly(directory);
            for (String owned : List.of("pki", "ca")) {
                Files.createDirectories(directory.resolve(owned));
                ownerOnly(directory.resolve(owned));
            }
            // An older layout kept the CA's key among the parties' files.
            Files.deleteIfExists(directory.resolve("pki/ca.p12"));

            DemoCertificateAuthority ca = DemoCertificateAuthority.create("GenoVFL Demo");
            String caPassword = randomSecret();
            ca.save(directory.resolve("ca/ca.p12"), caPassword.toCharArray());
            writeOwnerOnly(directory.resolve("ca/password"), List.of(caPassword));

            String trustStorePassword = randomSecret();
            ca.writeTrustStore(directory.resolve("pki/truststore.p12"), trustStorePassword.toCharArray());

            Properties credentials = new Properties();
            credentials.setProperty(LAYOUT, CURRENT_LAYOUT);
            credentials.setProperty(PLACEMENT, placement.name());
            credentials.setProperty("truststore-password", trustStorePassword);
            Map<PartyRole, String> pins = new EnumMap<>(PartyRole.class);
            Map<PartyRole, String> keyStorePasswords = new EnumMap<>(PartyRole.class);
            for (PartyRole role : ORGANISATIONS.keySet()) {
                DemoCertificateAuthority.IssuedIdentity identity = ca.issue(ORGANISATIONS.get(role),
                        placement == Placement.CONTAINERS ? List.of(host(role)) : List.of());
                String password = randomSecret();
                Path keyStore = directory.resolve("pki/" + role.name().toLowerCase() + ".p12");
                DemoCertificateAuthority.writeKeyStore(identity, keyStore, password.toCharArray());
                pins.put(role, Certificates.sha256(identity.certificate()));
                keyStorePasswords.put(role, password);
            }

            BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
            for (PartyRole role : ORGANISATIONS.keySet()) {
                String organisation = ORGANISATIONS.get(role);
                Path keyStore = directory.resolve("pki/" + role.name().toLowerCase() + ".p12");
                List<String> lines = new ArrayList<>();
                lines.add("# " + organisation + ": written by GenoVFL's demo set-up.");
                lines.add("genovfl.role=" + role);
                lines.add("genovfl.organisation=" + organisation);
                boolean inContainer = placement == Placement.CONTAINERS;
                lines.add("genovfl.data-directory=" + (inContainer ? CONTAINER_DATA_DIRECTORY
                        : directory.resolve("data/" + role.name().toLowerCase()).toAbsolutePath()));
                lines.add("server.address=" + (inContainer ? "0.0.0.0" : "127.0.0.1"));
                lines.add("server.port=" + ports.get(role));
                lines.add("spring.ssl.bundle.jks.party.keystore.location=file:" + keyStore.toAbsolutePath());
                lines.add(KEY_STORE_PASSWORD + "=" + keyStorePasswords.get(role));
                lines.add("spring.ssl.bundle.jks.party.key.password=" + keyStorePasswords.get(role));
                lines.add("spring.ssl.bundle.jks.party.truststore.location=file:" + directory.resolve("pki/truststore.p12").toAbsolutePath());
                lines.add("spring.ssl.bundle.jks.party.truststore.password=" + trustStorePassword);
                int peer = 0;
                for (PartyRole other : ORGANISATIONS.keySet()) {
                    if (other != role) {
                        lines.add("genovfl.peers[" + peer + "].organisation=" + ORGANISATIONS.get(other));
                        lines.add("genovfl.peers[" + peer + "].role=" + other);
                        lines.add("genovfl.peers[" + peer + "].url=" + url(placement, other, ports.get(other)));
                        lines.add("genovfl.peers[" + peer + "].certificate-sha256=" + pins.get(other));
                        peer++;
                    }
                }
                for (int i = 0; i < ACCOUNTS.size(); i++) {
                    String account = ACCOUNTS.get(i);
                    String username = username(role, account);
                    String password = randomSecret();
                    credentials.setProperty(username, password);
                    lines.add("genovfl.users[" + i + "].username=" + username);
                    lines.add("genovfl.users[" + i + "].password-hash=" + bcrypt.encode(password));
                    lines.add("genovfl.users[" + i + "].roles=" + switch (account) {
                        case "admin" -> "PARTY_ADMIN";
                        case "coordinator" -> "COORDINATOR";
                        default -> "REGULATOR";
                    });
                }
                writeOwnerOnly(directory.resolve(propertiesName(role)), lines);
            }
            // Written last: its presence (with the current layout) marks a complete configuration.
            Path credentialsFile = directory.resolve("credentials.properties");
            Path written = directory.resolve("credentials.properties.tmp");
            writeOwnerOnly(written, List.of());
            try (Writer out = Files.newBufferedWriter(written)) {
                credentials.store(out, "GenoVFL demo: accounts of each party (clear passwords: keep private)");
            }
            Files.move(written, credentialsFile, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo network configuration to " + directory, e);
        }
    }

    private static String propertiesName(PartyRole role) {
        return role.name().toLowerCase() + ".properties";
    }

    private static Properties read(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Creates (or truncates) {@code file} owner-only before anything is written into it. */
    private static void writeOwnerOnly(Path file, List<String> lines) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        ownerOnly(file);
        Files.write(file, lines);
    }

    private static void ownerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? "rwx------" : "rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing finer to set.
        }
    }
}
