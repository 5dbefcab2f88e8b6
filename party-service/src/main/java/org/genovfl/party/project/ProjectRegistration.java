package org.genovfl.party.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.project.ProjectSpec.ClinicalFeature;
import org.genovfl.party.project.ProjectSpec.GenomicFeature;
import org.genovfl.party.project.ProjectSpec.QualityFilters;
import org.genovfl.party.project.ValidationReport.FeatureCount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A party's side of a project: it records the specification, turns the features that
 * concern it into {@code feature_spec} rows (the column order of its feature matrix),
 * checks them against what it holds and answers counts only.
 *
 * <ul>
 *   <li>Hospital: one CLINICAL row per clinical feature (rule in {@code rule}); counts of
 *       patients, consented patients, labelled patients and patients with a value per
 *       feature. If consent is required it takes a consent snapshot (the patients whose
 *       current research consent is GRANTED), stores its SHA-256 and counts, and audits it
 *       as CONSENT_SNAPSHOT in the same transaction.
 *   <li>Lab: each genomic feature (rsID, region, gene) is expanded to the bi-allelic
 *       variants of READY datasets it matches that pass the quality filters (minor allele
 *       frequency, call rate, HWE p, as stored at import), deduplicated and ordered by
 *       chromosome, position, REF, ALT: one GENOMIC row each, coded by rsID when it has
 *       one, else {@code chrom:pos}. The same data and specification give the same rows.
 *       A gene feature matches only variants whose gene is known (a Genomics Reporting
 *       gene studied, or a VCF's INFO gene annotation); when it matches nothing and variants
 *       without a gene are held, the answer says that it cannot be resolved for them.
 * </ul>
 * Registering a project again with the same specification refreshes the rows and counts;
 * with another specification it is refused.
 */
@Service
public class ProjectRegistration {

    /** Genomic feature rows per lab, beyond which a specification is refused as too broad. */
    static final int MAX_GENOMIC_FEATURES = 20_000;

    static final ObjectMapper CANONICAL_JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private static final Logger log = LoggerFactory.getLogger(ProjectRegistration.class);

    private final JdbcClient jdbc;
    private final AuditOutbox outbox;
    private final String organisation;
    private final PartyRole role;

    @Autowired
    public ProjectRegistration(JdbcClient jdbc, AuditOutbox outbox, PartyProperties properties) {
        this(jdbc, outbox, properties.organisation(), properties.role());
    }

    ProjectRegistration(JdbcClient jdbc, AuditOutbox outbox, String organisation, PartyRole role) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.organisation = organisation;
        this.role = role;
    }

    /** SHA-256 of the canonical JSON of a specification: the same at every party. */
    public static String sha256(ProjectSpec spec) {
        try {
            return sha256(CANONICAL_JSON.writeValueAsBytes(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("specification cannot be serialised", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stores the project row and its parties (as the coordinator does, and every party on
     * registration). Returns false if it already existed with the same specification.
     *
     * @throws IllegalArgumentException if it exists with another specification
     */
    boolean storeProject(UUID projectId, ProjectSpec spec, String createdBy, String coordinator) {
        String specSha256 = sha256(spec);
        Optional<String> existing = jdbc.sql("SELECT spec_sha256 FROM project WHERE id = ?").param(projectId)
                .query(String.class).optional();
        if (existing.isPresent()) {
            if (!specSha256.equals(existing.get())) {
                throw new IllegalArgumentException("project " + projectId + " is already registered with another specification");
            }
            return false;
        }
        try {
            jdbc.sql("""
                    INSERT INTO project (id, name, description, status, label_spec, cohort_spec, linkage_id_type, created_by, spec_sha256)
                    VALUES (?, ?, ?, 'ACTIVE', CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?)
                    """).param(projectId).param(spec.name()).param(spec.description())
                    .param(CANONICAL_JSON.writeValueAsString(spec.label()))
                    .param(CANONICAL_JSON.writeValueAsString(Map.of("spec", spec)))
                    .param(spec.linkageIdType()).param(createdBy).param(specSha256).update();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        LinkedHashSet<String> members = new LinkedHashSet<>();
        members.add(spec.hospital());
        members.addAll(spec.labs());
        members.add(coordinator);
        for (String member : members) {
            String memberRole = member.equals(spec.hospital()) ? "HOSPITAL" : member.equals(coordinator) ? "COORDINATOR" : "LAB";
            UUID party = PartyRegistry.idOf(member);
            boolean known = jdbc.sql("SELECT count(*) FROM party WHERE id = ?").param(party).query(Long.class).single() > 0;
            if (!known) {
                throw new IllegalArgumentException("party '" + member + "' is not registered here");
            }
            jdbc.sql("INSERT INTO project_party (project_id, party_id, role) VALUES (?, ?, ?)")
                    .param(projectId).param(party).param(memberRole).update();
        }
        return true;
    }

    /**
     * Registers the project at this party (hospital or lab) and answers its counts.
     *
     * @throws IllegalArgumentException if the specification has problems, does not name this
     *     party, or differs from one registered before under the same id
     */
    @Transactional
    public ValidationReport register(UUID projectId, ProjectSpec spec, String createdBy, String coordinator) {
        List<String> problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the project specification has problems: " + String.join("; ", problems));
        }
        boolean isHospital = organisation.equals(spec.hospital());
        boolean isLab = spec.labs().contains(organisation);
        if (!isHospital && !isLab) {
            throw new IllegalArgumentException("the project does not name this party (" + organisation + ")");
        }
        storeProject(projectId, spec, createdBy, coordinator);
        UUID self = PartyRegistry.idOf(organisation);
        jdbc.sql("DELETE FROM feature_spec WHERE project_id = ? AND party_id = ?").param(projectId).param(self).update();
        ValidationReport report = isHospital ? registerClinical(projectId, spec, self) : registerGenomic(projectId, spec, self);
        log.info("Project {} registered at {}: {} feature(s), {} problem(s)", projectId, organisation,
                report.features().size(), report.problems().size());
        return report;
    }

    private ValidationReport registerClinical(UUID projectId, ProjectSpec spec, UUID self) {
        List<FeatureCount> counts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long patients = jdbc.sql("SELECT count(*) FROM patient").query(Long.class).single();
        long consented = jdbc.sql("SELECT count(*) FROM current_consent WHERE scope = 'RESEARCH' AND status = 'GRANTED'")
                .query(Long.class).single();
        String eligible = spec.consentRequired()
                ? "(SELECT patient_id FROM current_consent WHERE scope = 'RESEARCH' AND status = 'GRANTED')"
                : "(SELECT id FROM patient)";
        int ordinal = 0;
        for (ClinicalFeature feature : spec.clinicalFeatures()) {
            String system = feature.system() == null ? "http://loinc.org" : feature.system();
            String rule = feature.rule() == null ? "LATEST" : feature.rule();
            Map<String, Object> ruleJson = new java.util.TreeMap<>();
            ruleJson.put("type", rule);
            if (feature.before() != null) {
                ruleJson.put("before", feature.before().toString());
            }
            jdbc.sql("""
                    INSERT INTO feature_spec (project_id, party_id, kind, ordinal, code_system, code, rule)
                    VALUES (?, ?, 'CLINICAL', ?, ?, ?, CAST(? AS jsonb))
                    """).param(projectId).param(self).param(ordinal++).param(system).param(feature.code())
                    .param(json(ruleJson)).update();
            LocalDate before = rule.equals("LATEST_BEFORE") ? feature.before() : null;
            long withValue = jdbc.sql("SELECT count(DISTINCT patient_id) FROM clinical_observation WHERE code_system = ? AND code = ?"
                    + " AND value_numeric IS NOT NULL AND (CAST(? AS timestamptz) IS NULL OR effective_at < ?)"
                    + " AND patient_id IN " + eligible)
                    .param(system).param(feature.code())
                    .param(before == null ? null : before.atStartOfDay().atOffset(ZoneOffset.UTC))
                    .param(before == null ? null : before.atStartOfDay().atOffset(ZoneOffset.UTC))
                    .query(Long.class).single();
            counts.add(new FeatureCount(system + "|" + feature.code(), withValue, "patients with a value (" + rule + ")"));
            if (withValue == 0) {
                problems.add("no eligible patient has a value for " + system + "|" + feature.code());
            }
        }
        long withLabel = jdbc.sql("SELECT count(DISTINCT patient_id) FROM clinical_condition WHERE code = ?"
                + " AND (CAST(? AS TEXT) IS NULL OR code_system = ?) AND patient_id IN " + eligible)
                .param(spec.label().code()).param(spec.label().system()).param(spec.label().system())
                .query(Long.class).single();
        if (withLabel == 0) {
            problems.add("no eligible patient has the label condition");
        }
        String snapshot = spec.consentRequired() ? takeConsentSnapshot(projectId) : null;
        return new ValidationReport(organisation, role.name(), patients, consented, withLabel, counts, problems, snapshot);
    }

    /**
     * Hashes the sorted local ids of consenting patients, stores the snapshot with its
     * members (PSI admits only them) and audits its hash.
     */
    private String takeConsentSnapshot(UUID projectId) {
        List<String> consenting = jdbc.sql("""
                SELECT p.local_id FROM current_consent c JOIN patient p ON p.id = c.patient_id
                 WHERE c.scope = 'RESEARCH' AND c.status = 'GRANTED' ORDER BY p.local_id
                """).query(String.class).list();
        long withdrawn = jdbc.sql("SELECT count(*) FROM current_consent WHERE scope = 'RESEARCH' AND status = 'WITHDRAWN'")
                .query(Long.class).single();
        String sha256 = sha256(String.join("\n", consenting).getBytes(StandardCharsets.UTF_8));
        UUID snapshot = UUID.randomUUID();
        jdbc.sql("INSERT INTO consent_snapshot (id, project_id, consented, withdrawn, sha256) VALUES (?, ?, ?, ?, ?)")
                .param(snapshot).param(projectId).param(consenting.size()).param((int) withdrawn).param(sha256).update();
        jdbc.sql("""
                INSERT INTO consent_snapshot_member (snapshot_id, patient_id)
                SELECT ?, patient_id FROM current_consent WHERE scope = 'RESEARCH' AND status = 'GRANTED'
                """).param(snapshot).update();
        outbox.record(projectId, AuditEventType.CONSENT_SNAPSHOT, Map.of("consentSnapshot", sha256),
                Map.of("consented", Integer.toString(consenting.size()), "withdrawn", Long.toString(withdrawn)));
        return sha256;
    }

    private record Variant(String chrom, long pos, String ref, String alt, String variantId) {
        String code() {
            return variantId != null && variantId.startsWith("rs") ? variantId : chrom + ":" + pos;
        }
    }

    private ValidationReport registerGenomic(UUID projectId, ProjectSpec spec, UUID self) {
        QualityFilters q = spec.qualityFilters();
        List<FeatureCount> counts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        java.util.TreeMap<String, Variant> selected = new java.util.TreeMap<>();
        for (GenomicFeature feature : spec.genomicFeatures()) {
            String where;
            List<Object> params = new ArrayList<>();
            String label;
            if (feature.rsId() != null) {
                where = "v.variant_id = ?";
                params.add(feature.rsId());
                label = feature.rsId();
            } else if (feature.region() != null) {
                String[] region = ProjectSpec.regionParts(feature.region());
                where = "(v.chrom = ? OR v.chrom = ?) AND v.pos BETWEEN ? AND ?";
                params.add(region[0]);
                params.add("chr" + region[0]);
                params.add(Long.parseLong(region[1]));
                params.add(Long.parseLong(region[2]));
                label = feature.region();
            } else {
                where = "v.gene = ?";
                params.add(feature.gene());
                label = "gene " + feature.gene();
            }
            String sql = """
                    SELECT v.chrom, v.pos, v.ref, v.alt, v.variant_id,
                           least(v.alt_allele_freq, 1 - v.alt_allele_freq) AS maf, v.call_rate, v.hwe_p
                      FROM genotype_variant v JOIN genotype_dataset d ON d.id = v.dataset_id AND d.status = 'READY'
                    """ + " WHERE " + where;
            long[] matched = {0};
            long[] passed = {0};
            var statement = jdbc.sql(sql);
            for (Object param : params) {
                statement = statement.param(param);
            }
            statement.query(rs -> {
                matched[0]++;
                double maf = rs.getDouble(6);
                boolean mafNull = rs.wasNull();
                double callRate = rs.getDouble(7);
                boolean callRateNull = rs.wasNull();
                double hwe = rs.getDouble(8);
                boolean hweNull = rs.wasNull();
                boolean pass = (q.minMinorAlleleFrequency() == null || (!mafNull && maf >= q.minMinorAlleleFrequency()))
                        && (q.minCallRate() == null || (!callRateNull && callRate >= q.minCallRate()))
                        && (q.minHardyWeinbergP() == null || (!hweNull && hwe >= q.minHardyWeinbergP()));
                if (pass) {
                    passed[0]++;
                    Variant variant = new Variant(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5));
                    selected.putIfAbsent(sortKey(variant), variant);
                }
            });
            String detail = matched[0] + " variant row(s) matched, " + passed[0] + " passed the quality filters";
            long withoutGene = feature.gene() == null ? 0 : variantsWithoutGene();
            if (withoutGene > 0) {
                detail += "; " + withoutGene + " variant row(s) held here have no gene annotation and cannot match a gene";
            }
            counts.add(new FeatureCount(label, passed[0], detail));
            if (matched[0] == 0 && withoutGene > 0) {
                problems.add(label + ": cannot be resolved for the " + withoutGene + " variant row(s) held here without a gene"
                        + " (imported from VCF/BCF files without INFO gene annotations: GENE=, SnpEff ANN=, VEP CSQ= or"
                        + " GENEINFO=); a gene feature matches only variants whose gene is known: annotate the VCF or use"
                        + " rsID or region features");
            } else if (passed[0] == 0) {
                problems.add(label + ": no variant held here passes the quality filters");
            }
        }
        if (selected.size() > MAX_GENOMIC_FEATURES) {
            throw new IllegalArgumentException("the genomic features select " + selected.size() + " variants here; at most "
                    + MAX_GENOMIC_FEATURES + " are allowed: narrow the regions or tighten the filters");
        }
        // One column per code: split alleles of one position share their code, keep the first
        // that passed; the rule names that allele, so the matrix reads exactly this variant.
        Map<String, Variant> columns = new java.util.LinkedHashMap<>();
        selected.values().forEach(v -> columns.putIfAbsent(v.code(), v));
        int ordinal = 0;
        for (Map.Entry<String, Variant> column : columns.entrySet()) {
            String code = column.getKey();
            Variant v = column.getValue();
            Map<String, Object> allele = new java.util.TreeMap<>(Map.of("chrom", v.chrom(), "pos", v.pos(), "ref", v.ref(), "alt", v.alt()));
            jdbc.sql("""
                    INSERT INTO feature_spec (project_id, party_id, kind, ordinal, code_system, code, rule)
                    VALUES (?, ?, 'GENOMIC', ?, ?, ?, CAST(? AS jsonb))
                    """).param(projectId).param(self).param(ordinal++).param(code.startsWith("rs") ? "dbSNP" : "chrom:pos")
                    .param(code).param(json(allele)).update();
        }
        long samples = jdbc.sql("""
                SELECT count(DISTINCT s.patient_id) FROM genotype_sample s
                  JOIN genotype_dataset d ON d.id = s.dataset_id AND d.status = 'READY' WHERE s.patient_id IS NOT NULL
                """).query(Long.class).single();
        counts.add(new FeatureCount("genomic columns", columns.size(), "distinct variants after filters, in column order"));
        return new ValidationReport(organisation, role.name(), samples, null, null, counts, problems, null);
    }

    /** Variant rows of READY datasets whose gene is unknown (VCF/BCF without gene annotations). */
    private long variantsWithoutGene() {
        return jdbc.sql("""
                SELECT count(*) FROM genotype_variant v JOIN genotype_dataset d ON d.id = v.dataset_id AND d.status = 'READY'
                 WHERE v.gene IS NULL
                """).query(Long.class).single();
    }

    private static String sortKey(Variant v) {
        String chrom = v.chrom().startsWith("chr") ? v.chrom().substring(3) : v.chrom();
        String chromKey = chrom.chars().allMatch(Character::isDigit) ? String.format("%03d", Integer.parseInt(chrom)) : chrom;
        return chromKey + "|" + String.format("%012d", v.pos()) + "|" + v.ref() + "|" + v.alt();
    }

    private static String json(Object value) {
        try {
            return CANONICAL_JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
