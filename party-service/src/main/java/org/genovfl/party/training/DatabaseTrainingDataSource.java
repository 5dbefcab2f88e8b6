package org.genovfl.party.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.ingest.genomics.PackedDosages;
import org.genovfl.party.party.PartyRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads a party's feature matrix from its own database: the aligned cohort of the PSI run
 * in row order, then one column per {@code feature_spec} row of this party, in ordinal
 * order.
 * <ul>
 * <li>CLINICAL: the latest numeric {@code clinical_observation} with the spec's code (and
 *     code system, if the spec names one), before the rule's date (00:00 UTC, exclusive) for
 *     rule LATEST_BEFORE (rows as {@link org.genovfl.party.project.ProjectRegistration}
 *     writes them); among values at the same time, the one imported last;</li>
 * <li>GENOMIC: the dosage (0, 1, 2 alternate alleles) of the variant the spec's rule names
 *     (chrom, pos, REF, ALT: the allele that passed the quality filters at registration),
 *     decoded from the packed store for the sample linked to the patient; a missing call (3)
 *     is NaN. A patient genotyped in several datasets takes the call of the most recently
 *     imported dataset that has one;</li>
 * <li>label (hospital): 1 when the patient has a {@code clinical_condition} with the
 *     project's label code ({@code label_spec} {"system", "code"}), else 0.</li>
 * </ul>
 * A patient without a value is NaN, which the party's own standardisation turns into the
 * training mean.
 */
@Component
class DatabaseTrainingDataSource implements TrainingDataSource {

    private final JdbcClient jdbc;
    private final UUID ownPartyId;
    private final ObjectMapper json = new ObjectMapper();

    DatabaseTrainingDataSource(JdbcClient jdbc, PartyProperties properties) {
        this.jdbc = jdbc;
        this.ownPartyId = PartyRegistry.idOf(properties.organisation());
    }

    /** A feature_spec row; {@code chrom, pos, ref, alt}: the allele a GENOMIC column reads. */
    private record FeatureSpec(String kind, String codeSystem, String code, String before, String chrom, Long pos,
            String ref, String alt) {
    }

    @Override
    @Transactional(readOnly = true)
    public TrainingData load(UUID projectId, UUID psiRunId, boolean withLabels) {
        String status = jdbc.sql("SELECT status FROM psi_run WHERE id = ? AND project_id = ?")
                .params(psiRunId, projectId).query(String.class).optional()
                .orElseThrow(() -> new IllegalArgumentException("PSI run " + psiRunId + " of project " + projectId
                        + " is not known to this party"));
        if (!"COMPLETED".equals(status)) {
            throw new IllegalArgumentException("PSI run " + psiRunId + " is " + status + ", not COMPLETED");
        }
        List<Long> cohort = jdbc.sql("SELECT patient_id FROM aligned_cohort WHERE psi_run_id = ? ORDER BY row_index")
                .param(psiRunId).query(Long.class).list();
        if (cohort.isEmpty()) {
            throw new IllegalArgumentException("PSI run " + psiRunId + " aligned no patient");
        }
        Map<Long, Integer> rowOf = new HashMap<>();
        for (int row = 0; row < cohort.size(); row++) {
            rowOf.put(cohort.get(row), row);
        }
        List<FeatureSpec> specs = jdbc.sql("""
                SELECT kind, code_system, code,
                       CASE WHEN rule ->> 'type' = 'LATEST_BEFORE' THEN rule ->> 'before' END AS before,
                       rule ->> 'chrom', CAST(rule ->> 'pos' AS BIGINT), rule ->> 'ref', rule ->> 'alt'
                  FROM feature_spec
                 WHERE project_id = ? AND party_id = ? ORDER BY ordinal
                """).params(projectId, ownPartyId)
                .query((rs, n) -> new FeatureSpec(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, Long.class), rs.getString(7), rs.getString(8)))
                .list();
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("project " + projectId + " defines no feature for this party");
        }
        double[][] features = new double[cohort.size()][specs.size()];
        for (double[] row : features) {
            Arrays.fill(row, Double.NaN);
        }
        Map<UUID, Map<Integer, Integer>> sampleRows = new HashMap<>();
        for (int column = 0; column < specs.size(); column++) {
            FeatureSpec spec = specs.get(column);
            if (spec.kind().equals("CLINICAL")) {
                fillClinical(psiRunId, spec, column, rowOf, features);
            } else {
                fillGenomic(spec, column, rowOf, features, sampleRows);
            }
        }
        return new TrainingData(features, withLabels ? labels(projectId, psiRunId, rowOf) : null);
    }

    private void fillClinical(UUID psiRunId, FeatureSpec spec, int column, Map<Long, Integer> rowOf,
            double[][] features) {
        jdbc.sql("""
                SELECT DISTINCT ON (o.patient_id) o.patient_id, o.value_numeric
                  FROM clinical_observation o
                  JOIN aligned_cohort a ON a.patient_id = o.patient_id AND a.psi_run_id = :run
                 WHERE o.code = :code AND (CAST(:system AS TEXT) IS NULL OR o.code_system = :system)
                   AND o.value_numeric IS NOT NULL
                   AND (CAST(:before AS DATE) IS NULL
                        OR o.effective_at < CAST(CAST(:before AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC')
                 ORDER BY o.patient_id, o.effective_at DESC NULLS LAST, o.id DESC
                """)
                .param("run", psiRunId).param("code", spec.code()).param("system", spec.codeSystem())
                .param("before", spec.before())
                .query(rs -> {
                    features[rowOf.get(rs.getLong(1))][column] = rs.getDouble(2);
                });
    }

    private void fillGenomic(FeatureSpec spec, int column, Map<Long, Integer> rowOf, double[][] features,
            Map<UUID, Map<Integer, Integer>> sampleRows) {
        record Variant(UUID dataset, byte[] dosages) {
        }
        List<Variant> variants;
        if (spec.alt() != null) {
            variants = jdbc.sql("""
                    SELECT v.dataset_id, v.dosages FROM genotype_variant v
                      JOIN genotype_dataset d ON d.id = v.dataset_id AND d.status = 'READY'
                     WHERE v.chrom = :chrom AND v.pos = :pos AND v.ref = :ref AND v.alt = :alt
                     ORDER BY d.imported_at DESC, d.id, v.variant_index
                    """)
                    .param("chrom", spec.chrom()).param("pos", spec.pos()).param("ref", spec.ref()).param("alt", spec.alt())
                    .query((rs, n) -> new Variant(rs.getObject(1, UUID.class), rs.getBytes(2))).list();
        } else {
            // Rows written before registration named the allele: the column is found by its code.
            String code = spec.code();
            int colon = code.lastIndexOf(':');
            String chrom = null;
            Long pos = null;
            if (colon > 0 && colon < code.length() - 1 && code.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                chrom = code.substring(0, colon);
                pos = Long.parseLong(code.substring(colon + 1));
            }
            variants = jdbc.sql("""
                    SELECT v.dataset_id, v.dosages FROM genotype_variant v
                      JOIN genotype_dataset d ON d.id = v.dataset_id AND d.status = 'READY'
                     WHERE v.variant_id = :code OR (v.chrom = :chrom AND v.pos = :pos)
                     ORDER BY d.imported_at DESC, d.id, v.variant_index
                    """)
                    .param("code", code).param("chrom", chrom).param("pos", pos)
                    .query((rs, n) -> new Variant(rs.getObject(1, UUID.class), rs.getBytes(2))).list();
        }
        boolean[] filled = new boolean[features.length];
        for (Variant variant : variants) {
            Map<Integer, Integer> samples = sampleRows.computeIfAbsent(variant.dataset(), dataset -> cohortSamples(dataset, rowOf));
            for (Map.Entry<Integer, Integer> sample : samples.entrySet()) {
                int row = sample.getValue();
                if (filled[row]) {
                    continue;
                }
                int dosage = PackedDosages.get(variant.dosages(), sample.getKey());
                features[row][column] = dosage == PackedDosages.MISSING ? Double.NaN : dosage;
                filled[row] = dosage != PackedDosages.MISSING;
            }
        }
    }

    /** Sample index → cohort row, for the samples of {@code dataset} linked to a cohort patient. */
    private Map<Integer, Integer> cohortSamples(UUID dataset, Map<Long, Integer> rowOf) {
        Map<Integer, Integer> samples = new HashMap<>();
        jdbc.sql("SELECT sample_index, patient_id FROM genotype_sample WHERE dataset_id = ? AND patient_id IS NOT NULL")
                .param(dataset)
                .query(rs -> {
                    Integer row = rowOf.get(rs.getLong(2));
                    if (row != null) {
                        samples.put(rs.getInt(1), row);
                    }
                });
        return samples;
    }

    private double[] labels(UUID projectId, UUID psiRunId, Map<Long, Integer> rowOf) {
        String labelSpec = jdbc.sql("SELECT CAST(label_spec AS TEXT) FROM project WHERE id = ?").param(projectId)
                .query(String.class).single();
        JsonNode spec;
        try {
            spec = json.readTree(labelSpec);
        } catch (IOException e) {
            throw new IllegalArgumentException("project " + projectId + " has an unreadable label_spec", e);
        }
        if (!spec.hasNonNull("code")) {
            throw new IllegalArgumentException("project " + projectId + " defines no label code");
        }
        String system = spec.hasNonNull("system") ? spec.get("system").asText() : null;
        double[] labels = new double[rowOf.size()];
        jdbc.sql("""
                SELECT DISTINCT c.patient_id FROM clinical_condition c
                  JOIN aligned_cohort a ON a.patient_id = c.patient_id AND a.psi_run_id = :run
                 WHERE c.code = :code AND (CAST(:system AS TEXT) IS NULL OR c.code_system = :system)
                   AND coalesce(c.clinical_status, '') <> 'entered-in-error'
                """)
                .param("run", psiRunId).param("code", spec.get("code").asText()).param("system", system)
                .query(rs -> {
                    labels[rowOf.get(rs.getLong(1))] = 1;
                });
        return labels;
    }
}
