import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.ingest.genomics.PackedDosages;
import org.genovfl.party.party.PartyRegistry;
import org.postgresql.PGConnection;

/**
 * Benchmark (not a test): one vertical logistic-regression run between the three party
 * services, each its own process with its own database, over loopback mutual TLS, as in a
 * deployment. Measures what the in-process benchmark (EpochBenchmark) cannot: each party's
 * peak resident memory and CPU time, and the bytes that crossed between them.
 *
 * <p>The cohort is synthetic and seeded straight into each party's database (ingest and PSI
 * have benchmarks of their own): n aligned patients, {@code hospitalFeatures} clinical values
 * and the label at the hospital, {@code labFeatures} genotype dosages at the lab.
 *
 * <p>Usage: {@code NetworkTrainingBench <jar> <work-dir> <results-dir> <n> <hospitalFeatures> <labFeatures> <epochs>}
 */
public class NetworkTrainingBench {

    static final List<PartyRole> ROLES = List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR);
    static final String LABEL_SYSTEM = "http://snomed.info/sct";
    static final String LABEL_CODE = "44054006";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path results = Path.of(args[2]);
        int n = Integer.parseInt(args[3]);
        int hospitalFeatures = Integer.parseInt(args[4]);
        int labFeatures = Integer.parseInt(args[5]);
        int epochs = Integer.parseInt(args[6]);
        String heap = "-Xmx4g";
        try (BenchParties parties = BenchParties.start(jar, work, ROLES, List.of(heap),
                "genovfl.client.request-timeout=10m")) {
            long seeding = System.nanoTime();
            UUID project = UUID.randomUUID();
            UUID psiRun = UUID.randomUUID();
            seed(parties, project, psiRun, n, hospitalFeatures, labFeatures);
            System.out.printf("seeded %d patients x (%d + %d) features in %.1f s%n", n, hospitalFeatures, labFeatures,
                    (System.nanoTime() - seeding) / 1e9);

            Map<PartyRole, Double> cpuBefore = new EnumMap<>(PartyRole.class);
            for (PartyRole role : ROLES) {
                cpuBefore.put(role, parties.cpuSeconds(role));
            }
            long trafficBefore = traffic(parties);
            long start = System.nanoTime();
            JsonNode run = parties.post(PartyRole.COORDINATOR, "/api/training-runs", "coordinator",
                    Map.of("projectId", project, "psiRunId", psiRun, "seed", 5, "batchSize", 0,
                            "maxEpochs", epochs, "patience", epochs + 1), 202);
            String runId = run.get("runId").asText();
            List<Double> epochEnds = new ArrayList<>();
            long trafficAfterFirstEpoch = -1;
            while ("RUNNING".equals(run.get("status").asText())) {
                Thread.sleep(500);
                run = parties.get(PartyRole.COORDINATOR, "/api/training-runs/" + runId, "coordinator");
                while (epochEnds.size() < run.get("epochs").size()) {
                    epochEnds.add((System.nanoTime() - start) / 1e9);
                    System.out.printf("epoch %d decided at %.1f s: validation AUC %.4f%n", epochEnds.size() - 1,
                            epochEnds.get(epochEnds.size() - 1),
                            run.get("epochs").get(epochEnds.size() - 1).get("auc").asDouble());
                    if (epochEnds.size() == 1) {
                        trafficAfterFirstEpoch = traffic(parties);
                    }
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            if (!"COMPLETED".equals(run.get("status").asText())) {
                throw new IllegalStateException("run did not complete: " + run);
            }
            long trafficAfter = traffic(parties);

            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", "vfl-network");
            row.put("patients", n);
            row.put("hospitalFeatures", hospitalFeatures);
            row.put("labFeatures", labFeatures);
            row.put("epochs", epochs);
            row.put("batch", "full");
            row.put("wallSecondsRun", BenchParties.round(wall));
            List<Double> epochSeconds = new ArrayList<>();
            for (int e = 0; e < epochEnds.size(); e++) {
                epochSeconds.add(BenchParties.round(epochEnds.get(e) - (e == 0 ? 0 : epochEnds.get(e - 1))));
            }
            row.put("wallSecondsPerEpoch", epochSeconds);
            row.put("bytesWholeRun", trafficAfter - trafficBefore);
            row.put("bytesFirstEpochWithKeySetup", trafficAfterFirstEpoch - trafficBefore);
            if (epochs > 1) {
                row.put("bytesPerLaterEpoch", (trafficAfter - trafficAfterFirstEpoch) / (epochs - 1));
            }
            for (PartyRole role : ROLES) {
                String key = role.name().toLowerCase();
                row.put(key + "CpuSeconds", BenchParties.round(parties.cpuSeconds(role) - cpuBefore.get(role)));
                row.put(key + "PeakRssMiB", parties.peakRssMiB(role));
            }
            row.put("heapLimitPerParty", heap);
            row.put("validationAuc", run.get("best").get("auc").asDouble());
            row.put("cores", Runtime.getRuntime().availableProcessors());
            row.put("loadAverageAfter", BenchParties.loadAverage());
            String json = BenchParties.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(row);
            System.out.println(json);
            Files.writeString(results.resolve("vfl-network-" + n + "x" + (hospitalFeatures + labFeatures) + ".json"),
                    json + "\n");
        }
    }

    /** Body bytes of every call between the parties so far, summed over the parties that made them. */
    static long traffic(BenchParties parties) throws Exception {
        long total = 0;
        for (PartyRole role : ROLES) {
            String account = role == PartyRole.COORDINATOR ? "coordinator" : "admin";
            for (JsonNode peer : parties.get(role, "/api/peers", account)) {
                total += peer.get("bytesSent").asLong() + peer.get("bytesReceived").asLong();
            }
        }
        return total;
    }

    /**
     * The state a project, consented patients, their data and a completed PSI run leave in
     * each database: patient i of the hospital is patient i of the lab and row i of the cohort.
     * The label follows a logistic model of a few features of each party.
     */
    static void seed(BenchParties parties, UUID project, UUID psiRun, int n, int hospitalFeatures, int labFeatures)
            throws Exception {
        SplittableRandom random = new SplittableRandom(20261123L);
        double[][] clinical = new double[hospitalFeatures][n];
        for (double[] column : clinical) {
            for (int r = 0; r < n; r++) {
                column[r] = random.nextGaussian();
            }
        }
        byte[][] dosages = new byte[labFeatures][];
        double[] genomicScore = new double[n];
        for (int j = 0; j < labFeatures; j++) {
            double alleleFrequency = 0.05 + 0.45 * random.nextDouble();
            dosages[j] = PackedDosages.allMissing(n);
            for (int r = 0; r < n; r++) {
                if (random.nextInt(100) == 0) {
                    continue; // 1% missing calls
                }
                int dosage = (random.nextDouble() < alleleFrequency ? 1 : 0) + (random.nextDouble() < alleleFrequency ? 1 : 0);
                PackedDosages.set(dosages[j], r, dosage);
                if (j < 3) {
                    genomicScore[r] += 0.6 * (dosage - 2 * alleleFrequency);
                }
            }
        }
        boolean[] label = new boolean[n];
        for (int r = 0; r < n; r++) {
            double score = -1 + 0.8 * clinical[0][r] - 0.5 * clinical[1 % hospitalFeatures][r] + genomicScore[r];
            label[r] = random.nextDouble() < 1 / (1 + Math.exp(-score));
        }

        for (PartyRole role : ROLES) {
            try (Connection db = parties.database(role);
                    PreparedStatement insert = db.prepareStatement("INSERT INTO project (id, name, created_by, label_spec) "
                            + "VALUES (?, 'VFL network bench', 'bench', CAST(? AS jsonb))")) {
                insert.setObject(1, project);
                insert.setString(2, "{\"system\": \"" + LABEL_SYSTEM + "\", \"code\": \"" + LABEL_CODE + "\"}");
                insert.executeUpdate();
            }
        }
        UUID hospital = PartyRegistry.idOf(DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL));
        UUID lab = PartyRegistry.idOf(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));
        try (Connection db = parties.database(PartyRole.HOSPITAL)) {
            seedCohort(db, psiRun, project, n, "H");
            var copy = db.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder specs = new StringBuilder();
            for (int j = 0; j < hospitalFeatures; j++) {
                specs.append(project).append('\t').append(hospital).append("\tCLINICAL\t").append(j)
                        .append("\thttp://loinc.org\tbench-").append(j).append('\n');
            }
            copy.copyIn("COPY feature_spec (project_id, party_id, kind, ordinal, code_system, code) FROM STDIN",
                    new StringReader(specs.toString()));
            for (int j = 0; j < hospitalFeatures; j++) {
                StringBuilder values = new StringBuilder(n * 40);
                for (int r = 0; r < n; r++) {
                    values.append(r + 1).append("\thttp://loinc.org\tbench-").append(j).append('\t')
                            .append(clinical[j][r]).append("\t2025-01-01 00:00:00+00\n");
                }
                copy.copyIn("COPY clinical_observation (patient_id, code_system, code, value_numeric, effective_at) "
                        + "FROM STDIN", new StringReader(values.toString()));
            }
            StringBuilder conditions = new StringBuilder();
            for (int r = 0; r < n; r++) {
                if (label[r]) {
                    conditions.append(r + 1).append('\t').append(LABEL_SYSTEM).append('\t').append(LABEL_CODE)
                            .append("\tactive\n");
                }
            }
            copy.copyIn("COPY clinical_condition (patient_id, code_system, code, clinical_status) FROM STDIN",
                    new StringReader(conditions.toString()));
        }
        try (Connection db = parties.database(PartyRole.LAB)) {
            seedCohort(db, psiRun, project, n, "L");
            UUID dataset = UUID.randomUUID();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO genotype_dataset (id, name, sample_count, "
                    + "variant_count, status) VALUES (?, 'bench', ?, ?, 'READY')")) {
                insert.setObject(1, dataset);
                insert.setInt(2, n);
                insert.setInt(3, labFeatures);
                insert.executeUpdate();
            }
            try (Statement statement = db.createStatement()) {
                statement.executeUpdate("INSERT INTO genotype_sample (dataset_id, sample_index, sample_name, patient_id) "
                        + "SELECT '" + dataset + "', g - 1, 'S' || g, g FROM generate_series(1, " + n + ") g");
            }
            try (PreparedStatement variant = db.prepareStatement("INSERT INTO genotype_variant (dataset_id, "
                    + "variant_index, chrom, pos, variant_id, ref, alt, dosages) VALUES (?, ?, '20', ?, ?, 'A', 'G', ?)");
                    PreparedStatement spec = db.prepareStatement("INSERT INTO feature_spec (project_id, party_id, kind, "
                            + "ordinal, code) VALUES (?, ?, 'GENOMIC', ?, ?)")) {
                for (int j = 0; j < labFeatures; j++) {
                    variant.setObject(1, dataset);
                    variant.setInt(2, j);
                    variant.setLong(3, 100_000L + j);
                    variant.setString(4, "rs" + (900_000 + j));
                    variant.setBytes(5, dosages[j]);
                    variant.executeUpdate();
                    spec.setObject(1, project);
                    spec.setObject(2, lab);
                    spec.setInt(3, j);
                    spec.setString(4, "rs" + (900_000 + j));
                    spec.executeUpdate();
                }
            }
        }
    }

    /** n patients with ids 1..n and a completed PSI run whose row r is patient r + 1. */
    static void seedCohort(Connection db, UUID psiRun, UUID project, int n, String prefix) throws Exception {
        try (Statement statement = db.createStatement()) {
            statement.executeUpdate("INSERT INTO patient (id, local_id, source) SELECT g, '" + prefix
                    + "-' || g, 'bench' FROM generate_series(1, " + n + ") g");
            statement.executeUpdate("INSERT INTO psi_run (id, project_id, mode, status, intersection_size, "
                    + "cohort_commitment, finished_at) VALUES ('" + psiRun + "', '" + project + "', 'INTERSECTION', "
                    + "'COMPLETED', " + n + ", '" + "be".repeat(32) + "', now())");
            statement.executeUpdate("INSERT INTO aligned_cohort (psi_run_id, row_index, patient_id) SELECT '" + psiRun
                    + "', g - 1, g FROM generate_series(1, " + n + ") g");
        }
    }
}
