import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.security.pki.DemoCertificateAuthority;

/**
 * What the benchmarks under bench/ share: party services started from the packaged jar as
 * processes of their own (as in production), each with its embedded PostgreSQL on a known
 * port so the benchmark can seed it directly, and measured from /proc (CPU ticks, peak RSS).
 */
final class BenchParties implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    final DemoNetwork network;
    final HttpClient https;
    private final Path directory;
    private final Map<PartyRole, Process> processes = new EnumMap<>(PartyRole.class);
    private final Map<PartyRole, Integer> databasePorts = new EnumMap<>(PartyRole.class);

    private BenchParties(DemoNetwork network, Path directory) throws Exception {
        this.network = network;
        this.directory = directory;
        this.https = client(network);
    }

    /**
     * Starts {@code roles} from {@code jar} with the demo network's configuration plus
     * {@code extraProperties} (lines of a .properties file), each with {@code jvmOptions}
     * ({@code %p} in an option becomes the role's name), and waits until every one is healthy.
     */
    static BenchParties start(Path jar, Path directory, List<PartyRole> roles, List<String> jvmOptions,
            String extraProperties) throws Exception {
        Map<PartyRole, Integer> ports = new EnumMap<>(PartyRole.class);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            ports.put(role, freePort());
        }
        BenchParties parties = new BenchParties(DemoNetwork.openOrCreate(directory, ports), directory);
        try {
            for (PartyRole role : roles) {
                parties.launch(role, jar, jvmOptions, extraProperties);
            }
            for (PartyRole role : roles) {
                parties.awaitHealthy(role);
            }
            return parties;
        } catch (Exception e) {
            parties.close();
            throw e;
        }
    }

    private void launch(PartyRole role, Path jar, List<String> jvmOptions, String extraProperties) throws IOException {
        int databasePort = freePort();
        databasePorts.put(role, databasePort);
        Files.writeString(network.propertiesFile(role), "\ngenovfl.database.port=" + databasePort + "\n"
                + extraProperties + "\n", StandardOpenOption.APPEND);
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions) {
            command.add(option.replace("%p", role.name().toLowerCase()));
        }
        command.addAll(List.of("-jar", jar.toString(),
                "--spring.config.additional-location=file:" + network.propertiesFile(role)));
        processes.put(role, new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log(role).toFile()).start());
    }

    private void awaitHealthy(PartyRole role) throws Exception {
        URI health = network.url(role).resolve("/actuator/health");
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes.get(role).isAlive()) {
                throw new IllegalStateException(role + " exited; see " + log(role));
            }
            try {
                if (https.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(role + " did not become healthy: " + health);
    }

    long pid(PartyRole role) {
        return processes.get(role).pid();
    }

    int databasePort(PartyRole role) {
        return databasePorts.get(role);
    }

    Path log(PartyRole role) {
        return directory.resolve(role.name().toLowerCase() + ".log");
    }

    /** A connection to {@code role}'s embedded database, to seed it. */
    Connection database(PartyRole role) throws SQLException, IOException {
        // The embedded server's password, beside the party's key vault key (see PartyDatabase).
        Path password = org.genovfl.db.PartyDatabase.defaultPasswordFile(
                directory.resolve("data/" + role.name().toLowerCase() + "/postgres"));
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + databasePorts.get(role) + "/postgres",
                "postgres", Files.readString(password).strip());
    }

    /** Sends {@code request} as {@code account} and reads the JSON answer, which must have {@code status}. */
    JsonNode call(PartyRole role, HttpRequest.Builder request, String account, int status) throws Exception {
        HttpResponse<String> response = https.send(request.header("Authorization", network.authorization(role, account))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    JsonNode get(PartyRole role, String path, String account) throws Exception {
        return call(role, HttpRequest.newBuilder(network.url(role).resolve(path)).GET(), account, 200);
    }

    JsonNode post(PartyRole role, String path, String account, Object body, int status) throws Exception {
        return call(role, HttpRequest.newBuilder(network.url(role).resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), account, status);
    }

    /** CPU time (user + system) the process has used so far, in seconds. */
    double cpuSeconds(PartyRole role) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + processes.get(role).pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** The process's peak resident memory so far (VmHWM), in MiB. */
    long peakRssMiB(PartyRole role) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + processes.get(role).pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmHWM for " + role);
    }

    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    @Override
    public void close() {
        for (Process process : processes.values()) {
            process.destroy();
        }
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static HttpClient client(DemoNetwork network) throws Exception {
        KeyStore trust = DemoCertificateAuthority.load(network.trustStore(), network.trustStorePassword().toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
