/*
 * Benchmark of GenoVFL's PSI (not a test): a hospital and a lab party service as two
 * processes on this machine, over loopback mutual TLS, n identifiers each with 50% overlap.
 * Run through bench/psi/run.sh, which compiles this file against the party-service jar.
 */
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.postgresql.PGConnection;

public class PsiBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<PartyRole> PARTIES = List.of(PartyRole.HOSPITAL, PartyRole.LAB);

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path results = Path.of(args[2]);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            int n = Integer.parseInt(args[i]);
            Map<String, Object> row = runOnce(jar, work.resolve("n" + n), n);
            rows.add(row);
            System.out.println("RESULT " + JSON.writeValueAsString(row));
            Files.writeString(results.resolve("psi-" + n + ".json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(row) + "\n");
        }
    }

    static Map<String, Object> runOnce(Path jar, Path dir, int n) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseSerialGC"));
        // e.g. PSI_BENCH_JVM_OPTS=-XX:StartFlightRecording=filename=/tmp/%p.jfr to profile a party
        String extra = System.getenv().getOrDefault("PSI_BENCH_JVM_OPTS", "").trim();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        // At 1M a party may take over a minute to prepare its set on a busy machine.
        try (BenchParties parties = BenchParties.start(jar, dir, PARTIES, jvm, "genovfl.client.request-timeout=10m")) {
            Map<PartyRole, Integer> dbPorts = new EnumMap<>(PartyRole.class);
            for (PartyRole role : PARTIES) {
                dbPorts.put(role, parties.databasePort(role));
            }
            UUID project = UUID.randomUUID();
            long seedStart = System.nanoTime();
            seed(dbPorts.get(PartyRole.HOSPITAL), project, "H", 0, n);
            seed(dbPorts.get(PartyRole.LAB), project, "L", n / 2, n / 2 + n);
            System.out.printf("n=%d: seeded both parties in %.1f s%n", n, (System.nanoTime() - seedStart) / 1e9);

            Map<PartyRole, Long> cpuBefore = new EnumMap<>(PartyRole.class);
            Map<PartyRole, Long> dbCpuBefore = new EnumMap<>(PartyRole.class);
            Map<PartyRole, Map<String, Long>> threadsBefore = new EnumMap<>(PartyRole.class);
            for (PartyRole role : PARTIES) {
                threadsBefore.put(role, cpuTicksByThread(parties.pid(role)));
                cpuBefore.put(role, cpuTicks(parties.pid(role)));
                dbCpuBefore.put(role, postgresCpuTicks(dbPorts.get(role)));
            }
            long start = System.nanoTime();
            String runId = parties.post(PartyRole.HOSPITAL, "/api/psi/runs", "admin", Map.of("projectId", project,
                    "peerOrganisation", DemoNetwork.ORGANISATIONS.get(PartyRole.LAB)), 202).get("runId").asText();
            // Polled in the databases: an API poll would cost the party a BCrypt check each time.
            // Done when both parties finished (the lab completes on the hospital's completion).
            for (PartyRole role : PARTIES) {
                awaitFinished(dbPorts.get(role), UUID.fromString(runId));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            JsonNode hospitalRun = parties.get(PartyRole.HOSPITAL, "/api/psi/runs/" + runId, "admin");
            JsonNode labRun = parties.get(PartyRole.LAB, "/api/psi/runs/" + runId, "admin");
            if (!"COMPLETED".equals(hospitalRun.get("status").asText())) {
                throw new IllegalStateException("run failed: " + hospitalRun);
            }
            double tick = 100.0; // USER_HZ on Linux
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("identifiersPerSide", n);
            row.put("overlap", 0.5);
            row.put("intersection", hospitalRun.get("intersectionSize").asInt());
            row.put("wallSeconds", BenchParties.round(wall));
            row.put("serverWallSeconds", BenchParties.round(Duration.between(Instant.parse(hospitalRun.get("startedAt").asText()),
                    Instant.parse(hospitalRun.get("finishedAt").asText())).toMillis() / 1000.0));
            for (PartyRole role : PARTIES) {
                long pid = parties.pid(role);
                String key = role.name().toLowerCase();
                long processTicks = cpuTicks(pid) - cpuBefore.get(role);
                row.put(key + "CpuSeconds", BenchParties.round(processTicks / tick));
                row.put(key + "CpuSecondsByThread", cpuByThread(pid, threadsBefore.get(role), processTicks, tick));
                row.put(key + "PostgresCpuSeconds",
                        BenchParties.round((postgresCpuTicks(dbPorts.get(role)) - dbCpuBefore.get(role)) / tick));
                row.put(key + "PeakRssMiB", parties.peakRssMiB(role));
                JsonNode progress = (role == PartyRole.HOSPITAL ? hospitalRun : labRun).get("progress");
                row.put(key + "BytesSentPerIdentifier", BenchParties.round(progress.get("bytesSent").asDouble() / n));
                row.put(key + "BytesReceivedPerIdentifier", BenchParties.round(progress.get("bytesReceived").asDouble() / n));
            }
            for (PartyRole role : PARTIES) {
                // The services' own account of the run (ids, steps and counts only).
                Files.readAllLines(parties.log(role)).stream()
                        .filter(line -> line.contains("PSI run " + runId))
                        .forEach(line -> System.out.println(role + " " + line.substring(0, Math.min(line.length(), 60))
                                + " ... " + line.substring(line.indexOf("PSI run"))));
            }
            row.put("loadAverageAfter", BenchParties.loadAverage());
            row.put("heapLimit", "-Xmx1g per party");
            row.put("cores", Runtime.getRuntime().availableProcessors());
            // The parties run the same choice on the same CPU.
            row.put("nativeVariant", org.genovfl.he.NativeLibrary.variant());
            return row;
        }
    }

    /** Patients {@code prefix-i} with biobank sample ids BB-i for i in [from, to), all consenting by default. */
    static void seed(int port, UUID project, String prefix, int from, int to) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "")) {
            try (var insert = db.prepareStatement("INSERT INTO project (id, name, created_by) VALUES (?, 'PSI bench', 'bench')")) {
                insert.setObject(1, project);
                insert.executeUpdate();
            }
            StringBuilder patients = new StringBuilder();
            StringBuilder links = new StringBuilder();
            for (int i = from; i < to; i++) {
                long id = i + 1L;
                patients.append(id).append('\t').append(prefix).append('-').append(i).append("\tbench\n");
                links.append(id).append("\tBIOBANK_SAMPLE_ID\tBB-").append(String.format("%08d", i)).append('\n');
            }
            var copy = db.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY patient (id, local_id, source) FROM STDIN", new StringReader(patients.toString()));
            copy.copyIn("COPY linkage_identifier (patient_id, id_type, normalised_value) FROM STDIN",
                    new StringReader(links.toString()));
        }
    }

    static void awaitFinished(int port, UUID runId) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
                var query = db.prepareStatement("SELECT status FROM psi_run WHERE id = ?")) {
            query.setObject(1, runId);
            while (true) {
                try (var rows = query.executeQuery()) {
                    String status = rows.next() ? rows.getString(1) : "RUNNING";
                    if (!status.equals("RUNNING") && !status.equals("CONFIRMED")) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * CPU of a party's embedded PostgreSQL: its postmaster (with the backends it reaped) and
     * the processes still running under it.
     */
    static long postgresCpuTicks(int port) throws IOException {
        long total = 0;
        for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
            String command = process.info().commandLine().orElse("");
            if (command.contains("postgres") && command.contains("-p " + port)) {
                total += cpuTicks(process.pid(), true);
                for (ProcessHandle child : process.children().toList()) {
                    try {
                        total += cpuTicks(child.pid(), false);
                    } catch (IOException ended) {
                        // a backend that ended meanwhile: the postmaster's cutime has it
                    }
                }
            }
        }
        return total;
    }

    static long cpuTicks(long pid) throws IOException {
        return cpuTicks(pid, false);
    }

    /** CPU ticks of each live thread, keyed by name with digits folded ("http-nio-#-exec-#") and thread id. */
    static Map<String, Long> cpuTicksByThread(long pid) throws IOException {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(name + "|" + task.getFileName(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return ticks;
    }

    /**
     * Where a party's CPU went over the run, by thread name; "(threads that ended)" is the
     * rest of the process total: mostly the native worker threads each group operation
     * spawns (they inherit the caller's name but are gone when the run ends).
     */
    static Map<String, Double> cpuByThread(long pid, Map<String, Long> before, long processTicks, double tick)
            throws IOException {
        Map<String, Long> after = cpuTicksByThread(pid);
        Map<String, Long> byName = new java.util.TreeMap<>();
        long live = 0;
        for (var thread : after.entrySet()) {
            long used = thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            byName.merge(thread.getKey().substring(0, thread.getKey().indexOf('|')), used, Long::sum);
            live += used;
        }
        byName.put("(threads that ended)", processTicks - live);
        Map<String, Double> seconds = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().filter(e -> e.getValue() >= 10)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> seconds.put(e.getKey(), BenchParties.round(e.getValue() / tick)));
        return seconds;
    }

    static long cpuTicks(long pid, boolean withReapedChildren) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return withReapedChildren ? own + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : own; // cutime, cstime
    }
}
