package org.genovfl.party.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The configuration of a hospital, a lab and a coordinator on one machine: a local CA, a
 * certificate per party, key and trust stores, one properties file per party and the
 * demo accounts. Written once into a directory and reused on later runs, so the parties'
 * databases and identities survive restarts.
 *
 * <p>Accounts on every party: {@code admin} (PARTY_ADMIN), {@code coordinator}
 * (COORDINATOR) and {@code regulator} (REGULATOR). Their random passwords are kept in
 * {@code credentials.properties}, readable by the owner only; the parties hold BCrypt
 * hashes.
 */
public final class DemoNetwork {

    /** The organisations of the demo, in the order they are started. */
    public static final Map<PartyRole, String> ORGANISATIONS = new EnumMap<>(Map.of(
            PartyRole.HOSPITAL, "St Ada University Hospital",
            PartyRole.LAB, "Helix Sequencing Lab",
            PartyRole.COORDINATOR, "GenoVFL Study Coordination"));

    public static final List<String> ACCOUNTS = List.of("admin", "coordinator", "regulator");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Map<PartyRole, Integer> ports;
    private final Properties credentials;

    private DemoNetwork(Path directory, Map<PartyRole, Integer> ports, Properties credentials) {
        this.directory = directory;
        this.ports = ports;
        this.credentials = credentials;
    }

    /**
     * Opens the network configured in {@code directory}, writing it first if absent.
     *
     * @param ports the HTTPS port of each party; used only when the directory is new
     */
    public static DemoNetwork openOrCreate(Path directory, Map<PartyRole, Integer> ports) {
        Path credentialsFile = directory.resolve("credentials.properties");
        if (!Files.exists(credentialsFile)) {
            write(directory, ports);
        }
        Properties credentials = read(credentialsFile);
        Map<PartyRole, Integer> actualPorts = new EnumMap<>(PartyRole.class);
        for (PartyRole role : ORGANISATIONS.keySet()) {
            actualPorts.put(role, Integer.parseInt(read(directory.resolve(propertiesName(role))).getProperty("server.port")));
        }
        return new DemoNetwork(directory, actualPorts, credentials);
    }

    public Path directory() {
        return directory;
    }

    /** The configuration file of {@code role}'s party service. */
    public Path propertiesFile(PartyRole role) {
        return directory.resolve(propertiesName(role));
    }

    public URI url(PartyRole role) {
        return URI.create("https://localhost:" + ports.get(role));
    }

    /** Clear password of a demo account (same at every party). */
    public String password(String account) {
        String password = credentials.getProperty(account);
        if (password == null) {
            throw new IllegalArgumentException("no demo account " + account);
        }
        return password;
    }

    /** Issues another identity from the demo CA, e.g. for a second lab or a test client. */
    public DemoCertificateAuthority.IssuedIdentity issue(String organisation) {
        return DemoCertificateAuthority.open(directory.resolve("pki/ca.p12"), storePassword().toCharArray())
                .issue(organisation);
    }

    /** The HTTP Basic {@code Authorization} header value of a demo account. */
    public String authorization(String account) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (account + ":" + password(account)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Path trustStore() {
        return directory.resolve("pki/truststore.p12");
    }

    public String storePassword() {
        return credentials.getProperty("store-password");
    }

    private static void write(Path directory, Map<PartyRole, Integer> ports) {
        try {
            Files.createDirectories(directory.resolve("pki"));
            ownerOnly(directory);
            String storePassword = randomSecret();
            char[] storeChars = storePassword.toCharArray();
            DemoCertificateAuthority ca = DemoCertificateAuthority.create("GenoVFL Demo");
            ca.writeTrustStore(directory.resolve("pki/truststore.p12"), storeChars);
            ca.save(directory.resolve("pki/ca.p12"), storeChars);

            Properties credentials = new Properties();
            credentials.setProperty("store-password", storePassword);
            List<String> userLines = new ArrayList<>();
            BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
            for (int i = 0; i < ACCOUNTS.size(); i++) {
                String account = ACCOUNTS.get(i);
                String password = randomSecret();
                credentials.setProperty(account, password);
                String role = switch (account) {
                    case "admin" -> "PARTY_ADMIN";
                    case "coordinator" -> "COORDINATOR";
                    default -> "REGULATOR";
                };
                userLines.add("genovfl.users[" + i + "].username=" + account);
                userLines.add("genovfl.users[" + i + "].password-hash=" + bcrypt.encode(password));
                userLines.add("genovfl.users[" + i + "].roles=" + role);
            }

            for (PartyRole role : ORGANISATIONS.keySet()) {
                String organisation = ORGANISATIONS.get(role);
                Path keyStore = directory.resolve("pki/" + role.name().toLowerCase() + ".p12");
                DemoCertificateAuthority.writeKeyStore(ca.issue(organisation), keyStore, storeChars);
                List<String> lines = new ArrayList<>();
                lines.add("# " + organisation + ": written by GenoVFL's demo set-up.");
                lines.add("genovfl.role=" + role);
                lines.add("genovfl.organisation=" + organisation);
                lines.add("genovfl.data-directory=" + directory.resolve("data/" + role.name().toLowerCase()).toAbsolutePath());
                lines.add("server.port=" + ports.get(role));
                lines.add("spring.ssl.bundle.jks.party.keystore.location=file:" + keyStore.toAbsolutePath());
                lines.add("spring.ssl.bundle.jks.party.keystore.password=" + storePassword);
                lines.add("spring.ssl.bundle.jks.party.key.password=" + storePassword);
                lines.add("spring.ssl.bundle.jks.party.truststore.location=file:"
                        + directory.resolve("pki/truststore.p12").toAbsolutePath());
                lines.add("spring.ssl.bundle.jks.party.truststore.password=" + storePassword);
                int peer = 0;
                for (PartyRole other : ORGANISATIONS.keySet()) {
                    if (other != role) {
                        lines.add("genovfl.peers[" + peer + "].organisation=" + ORGANISATIONS.get(other));
                        lines.add("genovfl.peers[" + peer + "].role=" + other);
                        lines.add("genovfl.peers[" + peer + "].url=https://localhost:" + ports.get(other));
                        peer++;
                    }
                }
                lines.addAll(userLines);
                Path file = directory.resolve(propertiesName(role));
                Files.write(file, lines);
                ownerOnly(file);
            }
            // Written last: its presence marks a complete configuration.
            Path credentialsFile = directory.resolve("credentials.properties");
            try (Writer out = Files.newBufferedWriter(credentialsFile)) {
                credentials.store(out, "GenoVFL demo accounts (clear passwords: keep private)");
            }
            ownerOnly(credentialsFile);
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

    private static void ownerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? "rwx------" : "rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing finer to set.
        }
    }
}
