package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.genomics.PackedDosages;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.vfl.TrainingConfig;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The 569 real patients of breast_cancer.csv split vertically for training between party
 * services: the first columns as clinical observations at the hospital with the label as a
 * Condition, the next ones discretised into genotype dosages (terciles 0/1/2, some calls
 * missing) at each lab; and the REST calls that train on them and read the results.
 *
 * <p>Seeding mimics what imports, project registration and PSI leave behind, with traps a
 * correct reader must avoid: patients inserted in a shuffled order (ids are not rows), an
 * older wrong value for some observations (the latest-value rule must skip it), and lab
 * samples in yet another order.
 */
final class TrainingFixture {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String LABEL_SYSTEM = "http://snomed.info/sct";
    static final String LABEL_CODE = "254837009";

    /** The joint commitment both data holders' seeded PSI runs carry. */
    static final String COHORT_COMMITMENT = "c0".repeat(32);

    final UUID project = UUID.randomUUID();
    /** The aligned cohort of every row in table order ({@link #seedAlignedCohort}). */
    UUID psiRun;
    /** Row-major, cohort row order. */
    final double[][] clinical;
    final double[] labels;
    /** Each lab's dosages, row-major, cohort row order; NaN is a missing call. */
    final List<double[][]> genotypes = new ArrayList<>();
    /** Each data holder seeded so far, with the patient id of each table row there. */
    private final Map<JdbcTemplate, long[]> patientIds = new LinkedHashMap<>();

    /**
     * @param hospitalColumns how many columns (from the first) the hospital holds
     * @param labColumns how many of the following columns each lab holds, in lab order
     */
    TrainingFixture(int hospitalColumns, int... labColumns) {
        double[][] table = readBreastCancer();
        int n = table.length;
        clinical = new double[n][];
        labels = new double[n];
        for (int r = 0; r < n; r++) {
            clinical[r] = Arrays.copyOfRange(table[r], 0, hospitalColumns);
            labels[r] = table[r][30];
        }
        int from = hospitalColumns;
        for (int width : labColumns) {
            genotypes.add(terciles(table, from, width));
            from += width;
        }
    }

    /**
     * A cohort given as data: {@code clinical} and {@code labels} at the hospital, each of
     * {@code genotypes} (row-major dosages, NaN a missing call) at a lab.
     */
    TrainingFixture(double[][] clinical, double[] labels, List<double[][]> genotypes) {
        this.clinical = clinical;
        this.labels = labels;
        this.genotypes.addAll(genotypes);
    }

    int rows() {
        return labels.length;
    }

    /** The columns {@code [from, from + width)} as dosages by tercile, every 37th call missing. */
    private static double[][] terciles(double[][] table, int from, int width) {
        int n = table.length;
        double[][] dosages = new double[n][width];
        for (int j = 0; j < width; j++) {
            double[] column = new double[n];
            for (int r = 0; r < n; r++) {
                column[r] = table[r][from + j];
            }
            double[] sorted = column.clone();
            Arrays.sort(sorted);
            double low = sorted[n / 3];
            double high = sorted[2 * n / 3];
            for (int r = 0; r < n; r++) {
                dosages[r][j] = (r * width + j) % 37 == 0 ? Double.NaN : column[r] < low ? 0 : column[r] < high ? 1 : 2;
            }
        }
        return dosages;
    }

    /** The project, known to every party (the coordinator included). */
    void seedProject(JdbcTemplate db) {
        db.update("INSERT INTO project (id, name, created_by, label_spec) VALUES (?, 'Training test', 'test', "
                + "CAST(? AS jsonb))", project, "{\"system\": \"" + LABEL_SYSTEM + "\", \"code\": \"" + LABEL_CODE + "\"}");
    }

    /** The hospital's patients, clinical feature specs and observations, and the label. */
    void seedHospital(JdbcTemplate hospital, String organisation) {
        int n = rows();
        long[] ids = seedPatients(hospital, "H", n);
        List<Object[]> specs = new ArrayList<>();
        List<Object[]> observations = new ArrayList<>();
        for (int j = 0; j < clinical[0].length; j++) {
            specs.add(new Object[] {project, PartyRegistry.idOf(organisation), j, "http://loinc.org", "bc-" + j});
            for (int r = 0; r < n; r++) {
                observations.add(new Object[] {ids[r], "bc-" + j, clinical[r][j], "2024-01-01T00:00:00Z"});
                if (r % 11 == 0) {
                    observations.add(new Object[] {ids[r], "bc-" + j, -999.0, "2019-01-01T00:00:00Z"});
                }
            }
        }
        hospital.batchUpdate("INSERT INTO feature_spec (project_id, party_id, kind, ordinal, code_system, code) "
                + "VALUES (?, ?, 'CLINICAL', ?, ?, ?)", specs);
        hospital.batchUpdate("INSERT INTO clinical_observation (patient_id, code_system, code, value_numeric, "
                + "effective_at) VALUES (?, 'http://loinc.org', ?, ?, CAST(? AS timestamptz))", observations);
        List<Object[]> conditions = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            if (labels[r] == 1) {
                conditions.add(new Object[] {ids[r]});
            }
        }
        hospital.batchUpdate("INSERT INTO clinical_condition (patient_id, code_system, code, clinical_status) "
                + "VALUES (?, '" + LABEL_SYSTEM + "', '" + LABEL_CODE + "', 'active')", conditions);
        patientIds.put(hospital, ids);
    }

    /** Lab {@code index}'s patients (local ids L1-..., L2-...), a packed genotype dataset and genomic feature specs. */
    void seedLab(JdbcTemplate lab, String organisation, int index) {
        int n = rows();
        double[][] dosages = genotypes.get(index);
        int width = dosages[0].length;
        long[] ids = seedPatients(lab, "L" + (index + 1), n);
        UUID dataset = UUID.randomUUID();
        lab.update("INSERT INTO genotype_dataset (id, name, sample_count, variant_count, status) "
                + "VALUES (?, 'test', ?, ?, 'READY')", dataset, n, width);
        // Sample order differs from both the patient ids and the cohort rows.
        List<Object[]> samples = new ArrayList<>();
        int[] sampleOfRow = new int[n];
        for (int r = 0; r < n; r++) {
            sampleOfRow[r] = (r * 7 + 3) % n;
            samples.add(new Object[] {dataset, sampleOfRow[r], "S" + sampleOfRow[r], ids[r]});
        }
        lab.batchUpdate("INSERT INTO genotype_sample (dataset_id, sample_index, sample_name, patient_id) "
                + "VALUES (?, ?, ?, ?)", samples);
        List<Object[]> variants = new ArrayList<>();
        List<Object[]> specs = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            byte[] packed = PackedDosages.allMissing(n);
            for (int r = 0; r < n; r++) {
                if (!Double.isNaN(dosages[r][j])) {
                    PackedDosages.set(packed, sampleOfRow[r], (int) dosages[r][j]);
                }
            }
            String rsId = j % 2 == 0 ? "rs" + (1000 + 100 * index + j) : null;
            variants.add(new Object[] {dataset, j, "1", 5000L + 100 * index + j, rsId, packed});
            specs.add(new Object[] {project, PartyRegistry.idOf(organisation), j,
                    rsId != null ? rsId : "1:" + (5000 + 100 * index + j)});
        }
        lab.batchUpdate("INSERT INTO genotype_variant (dataset_id, variant_index, chrom, pos, variant_id, ref, alt, "
                + "dosages) VALUES (?, ?, ?, ?, ?, 'A', 'G', ?)", variants);
        lab.batchUpdate("INSERT INTO feature_spec (project_id, party_id, kind, ordinal, code) "
                + "VALUES (?, ?, 'GENOMIC', ?, ?)", specs);
        patientIds.put(lab, ids);
    }

    /** Inserts n patients in a shuffled order; returns the patient id of each cohort row. */
    private static long[] seedPatients(JdbcTemplate db, String prefix, int n) {
        long[] ids = new long[n];
        for (int k = 0; k < n; k++) {
            int row = (k * 211 + 17) % n; // 211 is prime and does not divide 569: a permutation
            ids[row] = db.queryForObject("INSERT INTO patient (local_id, source) VALUES (?, 'test') RETURNING id",
                    Long.class, String.format("%s-%04d", prefix, row));
        }
        return ids;
    }

    /** The completed PSI run of every row in table order, at every data holder seeded; sets {@link #psiRun}. */
    void seedAlignedCohort() {
        psiRun = seedPsiRun(IntStream.range(0, rows()).toArray(), COHORT_COMMITMENT);
    }

    /**
     * The same completed PSI run at every data holder seeded so far, aligning the patients of
     * {@code cohortRows} (rows of the table) in that order, under the joint cohort commitment
     * {@code commitment}.
     */
    UUID seedPsiRun(int[] cohortRows, String commitment) {
        UUID run = UUID.randomUUID();
        for (Map.Entry<JdbcTemplate, long[]> holder : patientIds.entrySet()) {
            JdbcTemplate db = holder.getKey();
            db.update("INSERT INTO psi_run (id, project_id, mode, status, intersection_size, cohort_commitment, "
                    + "finished_at) VALUES (?, ?, 'INTERSECTION', 'COMPLETED', ?, ?, now())", run, project,
                    cohortRows.length, commitment);
            List<Object[]> rows = new ArrayList<>();
            for (int k = 0; k < cohortRows.length; k++) {
                rows.add(new Object[] {run, k, holder.getValue()[cohortRows[k]]});
            }
            db.batchUpdate("INSERT INTO aligned_cohort (psi_run_id, row_index, patient_id) VALUES (?, ?, ?)", rows);
        }
        return run;
    }

    // ---- training through the coordinator's API ------------------------------------------------

    /** Starts a run on this cohort with {@code config} at the coordinator; returns its id. */
    UUID startRun(ThreePartyNetwork parties, TrainingConfig config) throws Exception {
        return startRun(parties, config, psiRun);
    }

    /** Starts a run on the cohort of {@code psiRunId} with {@code config}; returns its id. */
    UUID startRun(ThreePartyNetwork parties, TrainingConfig config, UUID psiRunId) throws Exception {
        Map<String, Object> request = new HashMap<>(JSON.convertValue(config, Map.class));
        request.put("projectId", project);
        request.put("psiRunId", psiRunId);
        HttpResponse<String> response = ThreePartyNetwork.postJson(parties.client(null),
                parties.url(PartyRole.COORDINATOR, "/api/training-runs"), parties.basic(PartyRole.COORDINATOR, "coordinator"), request);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return UUID.fromString(JSON.readTree(response.body()).get("runId").asText());
    }

    /** Polls the coordinator until the run is no longer RUNNING (at most 10 minutes). */
    static JsonNode awaitFinished(ThreePartyNetwork parties, UUID runId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        JsonNode run;
        do {
            Thread.sleep(250);
            run = view(parties, parties.url(PartyRole.COORDINATOR, "/api/training-runs/" + runId), "coordinator");
        } while ("RUNNING".equals(run.get("status").asText()) && Instant.now().isBefore(deadline));
        return run;
    }

    /** A party's view of a run ({@code GET /api/training-runs/{id}} at {@code url}). */
    static JsonNode view(ThreePartyNetwork parties, URI url, String account) throws Exception {
        HttpResponse<String> response = parties.get(parties.client(null), url, account);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The released coefficients in a data holder's view. */
    static double[] coefficients(JsonNode view) {
        JsonNode values = view.get("coefficients");
        assertThat(values).as(view.toString()).isNotNull();
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asDouble();
        }
        return out;
    }

    /** {@code base} with {@code field} set to {@code value}. */
    static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        Map<String, Object> body = new HashMap<>(base);
        body.put(field, value);
        return body;
    }

    /** A refused people-API request: asserts the status and problem+json, returns the problem. */
    static JsonNode problem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        return JSON.readTree(response.body());
    }

    /** The JSON pointer of a problem's first field error. */
    static String pointer(JsonNode problem) {
        assertThat(problem.get("errors")).as(problem.toString()).isNotNull();
        return problem.get("errors").get(0).get("pointer").asText();
    }

    private static double[][] readBreastCancer() {
        String configured = System.getProperty("genovfl.data.dir");
        Path dir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "genovfl", "data");
        Path file = dir.resolve("breast_cancer.csv");
        try {
            List<String> lines = Files.readAllLines(file);
            int rows = Integer.parseInt(lines.get(0).split(",")[0].trim());
            double[][] table = new double[rows][];
            for (int r = 0; r < rows; r++) {
                table[r] = Arrays.stream(lines.get(r + 1).split(",")).mapToDouble(Double::parseDouble).toArray();
            }
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (run data/fetch.sh)", e);
        }
    }
}
