package org.genovfl.party.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import ca.uhn.fhir.context.FhirContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.ImportProgress;
import org.genovfl.party.ingest.IngestDatabase;
import org.genovfl.party.ingest.TestData;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.party.ingest.genomics.GenotypeStore;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.vcf.SampleSheet;
import org.genovfl.party.ingest.vcf.VcfImporter;
import org.genovfl.party.project.ProjectRegistration;
import org.genovfl.party.project.ProjectSpec;
import org.genovfl.party.project.StudyParties;
import org.genovfl.party.project.ProjectSpec.ClinicalFeature;
import org.genovfl.party.project.ProjectSpec.GenomicFeature;
import org.genovfl.party.project.ProjectSpec.Label;
import org.genovfl.party.project.ProjectSpec.QualityFilters;
import org.genovfl.party.project.ValidationReport;
import org.genovfl.party.training.TrainingDataSource.TrainingData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The feature-matrix builder ({@link DatabaseTrainingDataSource}) on a hospital and a lab,
 * each with its own PostgreSQL: a hand-built cohort of 8 whose every expected value is
 * computed here from the genotypes and observations written into the files (quality figures
 * by an independent implementation), and the real shapeit4 scaffold file checked against
 * bcftools' own MAF, HWE and missingness filters and its genotypes.
 */
public class FeatureMatrixTest {

    static final String HOSPITAL = StudyParties.HOSPITAL;
    static final String LAB = StudyParties.LAB;
    static final String COORDINATOR = StudyParties.COORDINATOR;

    static final List<String> SAMPLES = List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8");
    /** The aligned cohort, in the (PSI) row order: deliberately not the order of the files. */
    static final List<String> COHORT = List.of("S5", "S2", "S8", "S1", "S7", "S3", "S6", "S4");

    /** chrom 21, one line per site: POS, ID, REF, ALT, INFO, then the GT of S1..S8. */
    static final String[][] SITES = {
        {"100", "rs100", "A", "G", "GENE=GENEA", "0/1", "1/1", "0/0", "0/1", "0|1", "0/0", "1|1", "1/0"},
        // rare: MAF 1/16
        {"200", "rs200", "C", "T", "ANN=T|missense_variant|MODERATE|GENEB|ENSG02|transcript|ENST02",
            "0/0", "0/0", "0/0", "0/1", "0/0", "0/0", "0/0", "0/0"},
        // call rate 5/8
        {"300", "rs300", "G", "A", "GENE=GENEB", "0/1", "./.", "1/1", "./.", "0/0", "./.", "0/1", "0/0"},
        // all heterozygous: Hardy-Weinberg p 326/12870
        {"400", "rs400", "T", "C", ".", "0/1", "0/1", "0/1", "0/1", "0/1", "0/1", "0/1", "0/1"},
        // multi-allelic: T first and rare (GENEE), C common (GENED); VEP names each allele
        {"500", "rs500", "A", "T,C", "CSQ=C|missense_variant|MODERATE|GENED|ENSG04,T|synonymous_variant|LOW|GENEE|ENSG05",
            "0/2", "2/2", "0/0", "0/2", "2/1", "0/0", "0/2", "2/2"},
        // no rsID; dbSNP-style GENEINFO
        {"600", ".", "A", "G", "GENEINFO=GENEC:1234|OTHER:55", "0/0", "0/1", "1|0", "1/1", "0/0", "0/1", "0/0", "0/1"},
        // one missing call (call rate 7/8), no annotation
        {"700", "rs700", "G", "T", "DP=30", "1/1", "0/1", "0/0", "0/0", "0/1", "0/1", "0/0", "./."},
    };

    static final QualityFilters FILTERS = new QualityFilters(0.1, 0.85, 0.05);

    @TempDir
    static Path directory;
    static IngestDatabase hospitalDb;
    static IngestDatabase labDb;
    static ProjectRegistration hospital;
    static ProjectRegistration lab;
    static DatabaseTrainingDataSource hospitalMatrix;
    static DatabaseTrainingDataSource labMatrix;
    static ImportedDataset scaffold;

    @BeforeAll
    static void start() throws Exception {
        hospitalDb = new IngestDatabase(directory.resolve("hospital"));
        labDb = new IngestDatabase(directory.resolve("lab"));
        StudyParties.registerIn(hospitalDb, labDb);
        hospital = StudyParties.registration(hospitalDb, HOSPITAL, PartyRole.HOSPITAL, directory);
        lab = StudyParties.registration(labDb, LAB, PartyRole.LAB, directory);
        hospitalMatrix = new DatabaseTrainingDataSource(hospitalDb.jdbc, StudyParties.properties(HOSPITAL, PartyRole.HOSPITAL, directory));
        labMatrix = new DatabaseTrainingDataSource(labDb.jdbc, StudyParties.properties(LAB, PartyRole.LAB, directory));

        new FhirBundleImporter(FhirContext.forR4Cached(), hospitalDb.transactions, hospitalDb.dataSource, hospitalDb.patients)
                .importJson(hospitalBundle());
        VcfImporter importer = new VcfImporter(labDb.transactions, new GenotypeStore(labDb.dataSource), labDb.patients,
                new ImportProgress());
        Path handBuilt = directory.resolve("hand-built.vcf");
        Files.writeString(handBuilt, handBuiltVcf(), StandardCharsets.UTF_8);
        importer.importFile(handBuilt, "hand-built", SampleSheet.identity());
        scaffold = importer.importFile(TestData.file("shapeit4-example/scaffold.vcf.gz"), "scaffold", SampleSheet.identity());
    }

    @AfterAll
    static void stop() {
        hospitalDb.close();
        labDb.close();
    }

    static ProjectSpec handBuiltSpec() {
        return new ProjectSpec("feature matrix", "test", "BIOBANK_SAMPLE_ID", HOSPITAL, List.of(LAB),
                new Label("http://snomed.info/sct", "254837009"), false,
                List.of(new ClinicalFeature("http://loinc.org", "2339-0", "LATEST_BEFORE", LocalDate.parse("2025-01-01")),
                        new ClinicalFeature("http://loinc.org", "8302-2", "LATEST", null)),
                List.of(new GenomicFeature("rs100", null, null), new GenomicFeature(null, "21:150-650", null),
                        new GenomicFeature(null, null, "GENEC"), new GenomicFeature("rs700", null, null),
                        new GenomicFeature(null, null, "GENED"), new GenomicFeature(null, null, "BRCA2")),
                FILTERS, null);
    }

    @Test
    void qualityFiltersKeepExactlyTheVariantsThatPassByAnIndependentCount() {
        UUID project = UUID.randomUUID();
        ValidationReport report = register(labDb, lab, project, handBuiltSpec());

        List<String> expected = new ArrayList<>();
        for (String[] site : SITES) {
            String[] alts = site[3].split(",");
            for (int k = 0; k < alts.length; k++) {
                int[] dosage = dosages(site, k + 1);
                SiteFigures figures = SiteFigures.of(dosage);
                assertStored(site, alts[k], figures);
                boolean passes = figures.maf() >= FILTERS.minMinorAlleleFrequency() && figures.callRate() >= FILTERS.minCallRate()
                        && figures.hardyWeinbergP() >= FILTERS.minHardyWeinbergP();
                if (passes) {
                    expected.add(site[1].equals(".") ? "21:" + site[0] : site[1]);
                }
            }
        }
        // rs200 (MAF), rs300 (call rate), rs400 (HWE) and rs500's T allele (MAF) are out.
        assertThat(expected).containsExactly("rs100", "rs500", "21:600", "rs700");
        assertThat(featureCodes(labDb, project)).containsExactlyElementsOf(expected);
        // rs500 reads its C allele, the one that passed, not T, the first ALT of the file.
        assertThat(labDb.jdbc.sql("SELECT rule ->> 'alt' FROM feature_spec WHERE project_id = ? AND code = 'rs500'")
                .param(project).query(String.class).single()).isEqualTo("C");

        assertThat(report.features()).extracting(ValidationReport.FeatureCount::feature, ValidationReport.FeatureCount::matched)
                .startsWith(tuple("rs100", 1L), tuple("21:150-650", 2L),
                        tuple("gene GENEC", 1L), tuple("rs700", 1L),
                        tuple("gene GENED", 1L), tuple("gene BRCA2", 0L));
        assertThat(report.features().get(1).detail()).startsWith("6 variant row(s) matched, 2 passed");
        // rs400, rs700 and the 3,008 rows of the unannotated scaffold file have no gene: BRCA2
        // cannot be resolved for them, and the answer says so.
        assertThat(report.problems()).singleElement().asString()
                .startsWith("gene BRCA2: cannot be resolved for the " + (scaffold.variants() + 2) + " variant row(s) held here without a gene");
    }

    @Test
    void geneAnnotationsOfTheVcfAreStoredPerAlternateAllele() {
        List<String> genes = labDb.jdbc.sql("""
                SELECT v.pos || ' ' || v.alt || ' ' || coalesce(v.gene, '-') FROM genotype_variant v
                  JOIN genotype_dataset d ON d.id = v.dataset_id WHERE d.name = 'hand-built' ORDER BY v.variant_index""")
                .query(String.class).list();
        assertThat(genes).containsExactly("100 G GENEA", "200 T GENEB", "300 A GENEB", "400 C -", "500 T GENEE",
                "500 C GENED", "600 G GENEC", "700 T -");
    }

    @Test
    void theMatrixFollowsTheCohortOrderWithTheDocumentedValues() {
        UUID project = UUID.randomUUID();
        register(hospitalDb, hospital, project, handBuiltSpec());
        register(labDb, lab, project, handBuiltSpec());
        UUID psiRun = alignedCohort(project);

        TrainingData clinical = hospitalMatrix.load(project, psiRun, true);
        double nan = Double.NaN;
        // Rows: S5, S2, S8, S1, S7, S3, S6, S4. Glucose LATEST_BEFORE 2025-01-01 (00:00 UTC,
        // exclusive); height LATEST; no value is NaN (the party's standardisation imputes the mean).
        assertThat(Arrays.deepToString(clinical.features())).isEqualTo(Arrays.deepToString(new double[][] {
            {nan, nan}, {nan, 180}, {nan, nan}, {6.0, 172}, {nan, nan}, {4.8, nan}, {nan, nan}, {nan, nan}}));
        assertThat(clinical.labels()).containsExactly(1, 1, 0, 0, 0, 0, 0, 0);

        TrainingData genomic = labMatrix.load(project, psiRun, false);
        // Columns rs100, rs500 (C, its second ALT), 21:600, rs700: the dosage of the file's GT for the row's sample.
        String[][] columns = {SITES[0], SITES[4], SITES[5], SITES[6]};
        int[] alleles = {1, 2, 1, 1};
        double[][] expected = new double[COHORT.size()][columns.length];
        for (int row = 0; row < COHORT.size(); row++) {
            int sample = SAMPLES.indexOf(COHORT.get(row));
            for (int c = 0; c < columns.length; c++) {
                int dosage = dosages(columns[c], alleles[c])[sample];
                expected[row][c] = dosage < 0 ? nan : dosage;
            }
        }
        assertThat(Arrays.deepToString(genomic.features())).isEqualTo(Arrays.deepToString(expected));
        assertThat(genomic.features()[2][3]).isNaN(); // S8's missing call at rs700
        assertThat(genomic.labels()).isNull();
    }

    @Test
    void theSameSpecificationOverTheSameStoreGivesByteIdenticalMatrices() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        List<String> matrices = new ArrayList<>();
        for (UUID project : List.of(first, second)) {
            register(hospitalDb, hospital, project, handBuiltSpec());
            register(labDb, lab, project, handBuiltSpec());
            UUID psiRun = alignedCohort(project);
            for (int again = 0; again < 2; again++) {
                matrices.add(hex(hospitalMatrix.load(project, psiRun, true)));
                matrices.add(hex(labMatrix.load(project, psiRun, false)));
            }
            // A party whose clock runs in another zone reads the same values (dates are UTC).
            TimeZone zone = TimeZone.getDefault();
            try {
                TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
                matrices.add(hex(hospitalMatrix.load(project, psiRun, true)));
                matrices.add(hex(labMatrix.load(project, psiRun, false)));
            } finally {
                TimeZone.setDefault(zone);
            }
        }
        for (int i = 2; i < matrices.size(); i++) {
            assertThat(matrices.get(i)).as("matrix %d", i).isEqualTo(matrices.get(i % 2));
        }
        assertThat(matrices.get(0)).isNotEqualTo(matrices.get(1));
    }

    /**
     * shapeit4's scaffold file (203 samples, 3,008 sites, with missing calls): the columns
     * are the sites bcftools itself keeps with {@code MAF>=0.05 && HWE>=0.001 && F_MISSING<=0.05},
     * and every value is the dosage of the GT bcftools prints.
     */
    @Test
    void shapeit4ColumnsAndValuesAgreeWithBcftools() throws Exception {
        Path file = TestData.file("shapeit4-example/scaffold.vcf.gz");
        ProjectSpec spec = new ProjectSpec("shapeit4", null, "BIOBANK_SAMPLE_ID", HOSPITAL, List.of(LAB),
                new Label(null, "254837009"), false, List.of(), List.of(new GenomicFeature(null, "20:1-70000000", null)),
                new QualityFilters(0.05, 0.95, 0.001), null);
        UUID project = UUID.randomUUID();
        register(labDb, lab, project, spec);

        List<String> kept = TestData.run("bash", "-c", "bcftools +fill-tags '" + file + "' -- -t MAF,HWE,F_MISSING"
                + " | bcftools view -i 'MAF>=0.05 && HWE>=0.001 && F_MISSING<=0.05'"
                + " | bcftools query -f '%CHROM:%POS\\t%ID\\t[%GT\\t]\\n'");
        List<String> codes = featureCodes(labDb, project);
        // A column is coded by its rsID when it has one, else by chrom:pos.
        assertThat(codes).hasSize(kept.size()).hasSizeGreaterThan(1000).containsExactlyElementsOf(kept.stream()
                .map(line -> line.split("\t")).map(site -> site[1].startsWith("rs") ? site[1] : site[0]).toList());

        List<String> samples = TestData.run("bcftools", "query", "-l", file.toString());
        List<String> cohort = new ArrayList<>(samples);
        Collections.reverse(cohort);
        UUID psiRun = cohortRun(labDb, project, cohort.stream().map(FeatureMatrixTest::labPatient).toList());
        double[][] matrix = labMatrix.load(project, psiRun, false).features();
        long missing = 0;
        for (int column = 0; column < kept.size(); column++) {
            String[] calls = kept.get(column).split("\t");
            double[] expected = new double[cohort.size()];
            double[] actual = new double[cohort.size()];
            for (int row = 0; row < cohort.size(); row++) {
                String gt = calls[2 + samples.indexOf(cohort.get(row))];
                expected[row] = gt.contains(".") ? Double.NaN : gt.chars().filter(c -> c == '1').count();
                actual[row] = matrix[row][column];
                missing += gt.contains(".") ? 1 : 0;
            }
            assertThat(Arrays.toString(actual)).as(codes.get(column)).isEqualTo(Arrays.toString(expected));
        }
        assertThat(missing).as("missing calls among the kept sites").isPositive();
    }

    private static void assertStored(String[] site, String alt, SiteFigures figures) {
        var stored = labDb.jdbc.sql("""
                SELECT v.alt_allele_freq, v.call_rate, v.hwe_p FROM genotype_variant v
                  JOIN genotype_dataset d ON d.id = v.dataset_id AND d.name = 'hand-built'
                 WHERE v.pos = ? AND v.alt = ?""").param(Long.parseLong(site[0])).param(alt)
                .query((rs, n) -> new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)}).single();
        assertThat(stored[0]).as("AF of %s %s", site[1], alt).isCloseTo(figures.af(), within(1e-12));
        assertThat(stored[1]).as("call rate of %s %s", site[1], alt).isCloseTo(figures.callRate(), within(1e-12));
        assertThat(stored[2]).as("HWE p of %s %s", site[1], alt).isCloseTo(figures.hardyWeinbergP(), within(1e-9));
    }

    /**
     * AF, MAF, call rate and the Hardy-Weinberg exact p of one allele's dosages (-1 missing),
     * computed directly from the definition: the probability of each heterozygote count given
     * the allele counts (Levene 1949; Wigginton et al. 2005, eq. 1), summed over the counts no
     * more likely than the observed one. Unlike the production code, no recurrence.
     */
    record SiteFigures(double af, double maf, double callRate, double hardyWeinbergP) {
        static SiteFigures of(int[] dosages) {
            int called = 0;
            int altCopies = 0;
            int het = 0;
            for (int d : dosages) {
                if (d >= 0) {
                    called++;
                    altCopies += d;
                    het += d == 1 ? 1 : 0;
                }
            }
            double af = altCopies / (2.0 * called);
            int rare = Math.min(altCopies, 2 * called - altCopies);
            double observed = levene(called, rare, het);
            double p = 0;
            for (int h = rare % 2; h <= rare; h += 2) {
                double probability = levene(called, rare, h);
                if (probability <= observed * (1 + 1e-9)) {
                    p += probability;
                }
            }
            return new SiteFigures(af, Math.min(af, 1 - af), (double) called / dosages.length, Math.min(1, p));
        }

        /** P(het = h | n individuals, r copies of the rare allele). */
        static double levene(int n, int r, int h) {
            int homRare = (r - h) / 2;
            int homCommon = n - h - homRare;
            double log = logFactorial(n) - logFactorial(homRare) - logFactorial(h) - logFactorial(homCommon)
                    + h * Math.log(2) + logFactorial(r) + logFactorial(2 * n - r) - logFactorial(2 * n);
            return Math.exp(log);
        }

        static double logFactorial(int n) {
            double sum = 0;
            for (int i = 2; i <= n; i++) {
                sum += Math.log(i);
            }
            return sum;
        }
    }

    /** Copies of allele {@code alt} (1-based) per sample; -1 for a call with a missing allele. */
    static int[] dosages(String[] site, int alt) {
        int[] dosages = new int[SAMPLES.size()];
        for (int s = 0; s < dosages.length; s++) {
            String gt = site[5 + s];
            if (gt.contains(".")) {
                dosages[s] = -1;
                continue;
            }
            for (String allele : gt.split("[/|]")) {
                dosages[s] += Integer.parseInt(allele) == alt ? 1 : 0;
            }
        }
        return dosages;
    }

    /** The hand-built cohort's VCF: 8 samples, the {@link #SITES} on chromosome 21, with gene annotations. */
    public static String handBuiltVcf() {
        StringBuilder vcf = new StringBuilder("""
                ##fileformat=VCFv4.2
                ##contig=<ID=21,length=46709983>
                ##INFO=<ID=GENE,Number=.,Type=String,Description="Gene symbol">
                ##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID'">
                ##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene">
                ##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Pairs each of gene symbol:gene id">
                ##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
                ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
                """);
        vcf.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t").append(String.join("\t", SAMPLES)).append('\n');
        for (String[] site : SITES) {
            vcf.append("21\t").append(String.join("\t", site[0], site[1], site[2], site[3], ".", "PASS", site[4], "GT"));
            for (int s = 0; s < SAMPLES.size(); s++) {
                vcf.append('\t').append(site[5 + s]);
            }
            vcf.append('\n');
        }
        return vcf.toString();
    }

    static String hospitalBundle() {
        List<String> entries = new ArrayList<>();
        for (String sample : SAMPLES) {
            entries.add("""
                    {"resource": {"resourceType": "Patient", "id": "h-%s",
                      "identifier": [{"system": "https://genovfl.org/fhir/NamingSystem/biobank-sample-id", "value": "%s"}]}}
                    """.formatted(sample, sample));
        }
        // S1: the latest before 2025-01-01 00:00 UTC is 6.0 (7.0 is at that instant, 8.0 after).
        entries.add(glucose("g1a", "S1", "2024-01-01T10:00:00Z", 5.0));
        entries.add(glucose("g1b", "S1", "2024-12-31T23:30:00Z", 6.0));
        entries.add(glucose("g1c", "S1", "2025-01-01T00:00:00Z", 7.0));
        entries.add(glucose("g1d", "S1", "2025-06-01T08:00:00Z", 8.0));
        // S2: only after the date: missing.
        entries.add(glucose("g2", "S2", "2025-02-01T08:00:00Z", 9.0));
        // S3: a local 2025-01-01 01:00 at +02:00 is 2024-12-31 23:00 UTC: before, and the latest.
        entries.add(glucose("g3a", "S3", "2024-12-31T23:59:59+02:00", 4.4));
        entries.add(glucose("g3b", "S3", "2025-01-01T01:00:00+02:00", 4.8));
        entries.add(observation("height-1a", "S1", "8302-2", "2020-01-01T00:00:00Z", 170, "cm"));
        entries.add(observation("height-1b", "S1", "8302-2", "2023-01-01T00:00:00Z", 172, "cm"));
        entries.add(observation("height-2", "S2", "8302-2", "2022-05-01T00:00:00Z", 180, "cm"));
        for (String sample : List.of("S2", "S5")) {
            entries.add("""
                    {"resource": {"resourceType": "Condition", "id": "c-%s", "subject": {"reference": "Patient/h-%s"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254837009"}]}}}
                    """.formatted(sample, sample));
        }
        return "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" + String.join(",", entries) + "]}";
    }

    static String glucose(String id, String sample, String effective, double value) {
        return observation(id, sample, "2339-0", effective, value, "mmol/L");
    }

    static String observation(String id, String sample, String loinc, String effective, double value, String unit) {
        return """
                {"resource": {"resourceType": "Observation", "id": "%s", "status": "final",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "%s"}]}, "subject": {"reference": "Patient/h-%s"},
                  "effectiveDateTime": "%s", "valueQuantity": {"value": %s, "unit": "%s", "code": "%s"}}}
                """.formatted(id, loinc, sample, effective, value, unit, unit);
    }

    static ValidationReport register(IngestDatabase db, ProjectRegistration party, UUID project, ProjectSpec spec) {
        return new TransactionTemplate(db.transactions).execute(s -> party.register(project, spec, "coordinator", COORDINATOR));
    }

    static List<String> featureCodes(IngestDatabase db, UUID project) {
        return db.jdbc.sql("SELECT code FROM feature_spec WHERE project_id = ? ORDER BY ordinal").param(project)
                .query(String.class).list();
    }

    /** The hand-built cohort aligned at both parties, as a completed PSI run would leave it. */
    static UUID alignedCohort(UUID project) {
        UUID run = cohortRun(hospitalDb, project, COHORT.stream().map(sample -> hospitalDb.jdbc
                .sql("SELECT id FROM patient WHERE local_id = ?").param("h-" + sample).query(Long.class).single()).toList());
        UUID labRun = cohortRun(labDb, project, COHORT.stream().map(FeatureMatrixTest::labPatient).toList(), run);
        assertThat(labRun).isEqualTo(run);
        return run;
    }

    static long labPatient(String sample) {
        return labDb.jdbc.sql("SELECT DISTINCT patient_id FROM genotype_sample WHERE sample_name = ?").param(sample)
                .query(Long.class).single();
    }

    static UUID cohortRun(IngestDatabase db, UUID project, List<Long> patients) {
        return cohortRun(db, project, patients, UUID.randomUUID());
    }

    static UUID cohortRun(IngestDatabase db, UUID project, List<Long> patients, UUID run) {
        db.jdbc.sql("INSERT INTO psi_run (id, project_id, mode, status, intersection_size) VALUES (?, ?, 'INTERSECTION', 'COMPLETED', ?)")
                .param(run).param(project).param(patients.size()).update();
        for (int row = 0; row < patients.size(); row++) {
            db.jdbc.sql("INSERT INTO aligned_cohort (psi_run_id, row_index, patient_id) VALUES (?, ?, ?)")
                    .param(run).param(row).param(patients.get(row)).update();
        }
        return run;
    }

    /** The matrix as bytes (in hex): its shape, every double's bits (NaN included), then the labels'. */
    static String hex(TrainingData data) {
        int columns = data.features().length == 0 ? 0 : data.features()[0].length;
        ByteBuffer buffer = ByteBuffer.allocate(8 * (data.rows() * columns + (data.labels() == null ? 0 : data.rows())) + 8);
        buffer.putInt(data.rows()).putInt(columns);
        for (double[] row : data.features()) {
            for (double value : row) {
                buffer.putLong(Double.doubleToRawLongBits(value));
            }
        }
        if (data.labels() != null) {
            for (double label : data.labels()) {
                buffer.putLong(Double.doubleToRawLongBits(label));
            }
        }
        return java.util.HexFormat.of().formatHex(buffer.array());
    }
}
