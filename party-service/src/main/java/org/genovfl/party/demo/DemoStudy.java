package org.genovfl.party.demo;

import ca.uhn.fhir.context.FhirContext;
import htsjdk.variant.variantcontext.Genotype;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFFileReader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.genovfl.party.ingest.fhir.FhirBundleImporter;
import org.genovfl.vfl.TrainingConfig;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * The demo's study, made from real data: the 503 genotypes of Debian's shapeit4-example
 * (1000 Genomes, chr20: 300 samples in reference.vcf.gz, 203 in unphased.vcf.gz) stay
 * with the lab, exactly as the files are; the hospital gets FHIR patients for most of the
 * sequenced samples (identified by their biobank sample id) plus some who were never
 * sequenced, with age and BMI Observations, and an outcome planted on three common variants
 * plus age and BMI by a logistic model with a fixed seed. Some patients have withdrawn
 * their research consent. Nothing here is visible to a party except through its own import.
 */
public final class DemoStudy {

    public static final String AGE_LOINC = "30525-0";
    public static final String BMI_LOINC = "39156-5";
    /** SNOMED CT 44054006: type 2 diabetes mellitus, the planted outcome. */
    public static final String OUTCOME_SNOMED = "44054006";
    static final int GENOMIC_FEATURES = 100;
    static final int NOT_AT_HOSPITAL = 33;
    static final int NEVER_SEQUENCED = 30;
    static final int WITHDRAWN = 10;
    /**
     * Hyper-parameters of the demo's training run, and of its centralised baseline: full
     * batch, Nesterov with the learning rate derived from the data (each party's eigenvalue
     * bound), early stopping on validation AUC, 20% of the rows held out as test rows that
     * measure the released (best validation) epoch once. λ = 0.1 keeps the scores of this
     * cohort (three planted effects of 1.6 standard deviations) inside the cubic's interval.
     */
    static final TrainingConfig TRAINING = new TrainingConfig(StudyDemo.STUDY_SEED, 0.2, 0, 40,
            TrainingConfig.DERIVED_LEARNING_RATE, 0.02, 0.9, 0.1, 6, 1e-4, 8.0, TrainingConfig.StoppingMetric.AUC,
            0.2, TrainingConfig.ReleasePolicy.BEST_VALIDATION);

    public final Path referenceVcf;
    public final Path unphasedVcf;
    /** The lab's candidate features: rsIDs of common variants spread along the chromosome. */
    public final List<String> rsIds = new ArrayList<>();
    /** The three variants the outcome was planted on (a subset of {@link #rsIds}). */
    final List<String> plantedRsIds = new ArrayList<>();
    final List<HospitalPatient> hospitalPatients = new ArrayList<>();
    /** Per sequenced sample, the dosages of {@link #rsIds}: what a centralised analysis would use. */
    final Map<String, double[]> dosagesBySample = new HashMap<>();

    /** A hospital patient as the demo made it; {@code sample} is null if never sequenced. */
    record HospitalPatient(String localId, String sample, double age, double bmi, boolean outcome, boolean consented) {
    }

    /** {@link #TRAINING} as the coordinator's people API takes it. */
    static Map<String, Object> trainingRequest() {
        TrainingConfig c = TRAINING;
        Map<String, Object> request = new HashMap<>();
        request.put("seed", c.seed());
        request.put("validationFraction", c.validationFraction());
        request.put("testFraction", c.testFraction());
        request.put("releasePolicy", c.releasePolicy().name());
        request.put("batchSize", c.batchSize());
        request.put("maxEpochs", c.maxEpochs());
        request.put("learningRate", c.learningRate());
        request.put("learningRateDecay", c.learningRateDecay());
        request.put("momentum", c.momentum());
        request.put("l2", c.l2());
        request.put("patience", c.patience());
        request.put("minDelta", c.minDelta());
        request.put("sigmoidInterval", c.sigmoidInterval());
        request.put("stoppingMetric", c.stoppingMetric().name());
        return request;
    }

    private DemoStudy(Path dataDirectory) {
        Path dir = dataDirectory.resolve("shapeit4-example");
        this.referenceVcf = dir.resolve("reference.vcf.gz");
        this.unphasedVcf = dir.resolve("unphased.vcf.gz");
    }

    public static DemoStudy generate(Path dataDirectory, long seed) {
        DemoStudy study = new DemoStudy(dataDirectory);
        study.plant(seed);
        return study;
    }

    private void plant(long seed) {
        List<String> samples = new ArrayList<>();
        List<String> common = new ArrayList<>();
        List<double[]> columns = new ArrayList<>();
        try (VCFFileReader reference = new VCFFileReader(referenceVcf, false);
                VCFFileReader unphased = new VCFFileReader(unphasedVcf, false)) {
            samples.addAll(reference.getFileHeader().getSampleNamesInOrder());
            samples.addAll(unphased.getFileHeader().getSampleNamesInOrder());
            Map<String, Integer> column = new HashMap<>();
            for (int i = 0; i < samples.size(); i++) {
                column.put(samples.get(i), i);
            }
            var second = unphased.iterator();
            for (VariantContext site : reference) {
                VariantContext other = second.next();
                if (!site.isBiallelic() || !site.isSNP() || !site.hasID() || site.getID().contains(";")) {
                    continue;
                }
                double[] dosage = new double[samples.size()];
                double sum = 0;
                for (VariantContext part : List.of(site, other)) {
                    for (Genotype genotype : part.getGenotypes()) {
                        double d = genotype.countAllele(part.getAlternateAllele(0));
                        dosage[column.get(genotype.getSampleName())] = d;
                        sum += d;
                    }
                }
                double frequency = sum / (2.0 * samples.size());
                if (frequency >= 0.1 && frequency <= 0.9) {
                    common.add(site.getID());
                    columns.add(dosage);
                }
            }
        }
        int step = common.size() / GENOMIC_FEATURES;
        double[][] chosen = new double[GENOMIC_FEATURES][];
        for (int k = 0; k < GENOMIC_FEATURES; k++) {
            rsIds.add(common.get(k * step));
            chosen[k] = standardised(columns.get(k * step));
        }
        int[] planted = {GENOMIC_FEATURES / 5, GENOMIC_FEATURES / 2, 4 * GENOMIC_FEATURES / 5};
        double[] effects = {1.6, -1.6, 1.6};
        for (int k : planted) {
            plantedRsIds.add(rsIds.get(k));
        }
        for (int s = 0; s < samples.size(); s++) {
            double[] row = new double[GENOMIC_FEATURES];
            for (int k = 0; k < GENOMIC_FEATURES; k++) {
                row[k] = columns.get(k * step)[s];
            }
            dosagesBySample.put(samples.get(s), row);
        }

        SplittableRandom random = new SplittableRandom(seed);
        List<String> atHospital = new ArrayList<>(samples);
        for (int i = 0; i < NOT_AT_HOSPITAL; i++) {
            atHospital.remove(random.nextInt(atHospital.size()));
        }
        Set<Integer> withdrawn = new LinkedHashSet<>();
        while (withdrawn.size() < WITHDRAWN) {
            withdrawn.add(random.nextInt(atHospital.size()));
        }
        int number = 0;
        for (int i = 0; i < atHospital.size(); i++) {
            String sample = atHospital.get(i);
            int column = samples.indexOf(sample);
            double age = 40 + 30 * random.nextDouble();
            double bmi = 21 + 12 * random.nextDouble();
            double logit = -0.4 + 0.05 * (age - 55) + 0.12 * (bmi - 27);
            for (int k = 0; k < planted.length; k++) {
                logit += effects[k] * chosen[planted[k]][column];
            }
            boolean outcome = random.nextDouble() < 1 / (1 + Math.exp(-logit));
            hospitalPatients.add(new HospitalPatient(String.format("pat-%04d", ++number), sample, round(age), round(bmi),
                    outcome, !withdrawn.contains(i)));
        }
        for (int i = 0; i < NEVER_SEQUENCED; i++) {
            double age = 40 + 30 * random.nextDouble();
            double bmi = 21 + 12 * random.nextDouble();
            hospitalPatients.add(new HospitalPatient(String.format("pat-%04d", ++number), null, round(age), round(bmi),
                    random.nextDouble() < 0.4, true));
        }
    }

    /** The hospital's records as a FHIR R4 collection Bundle: Patient, age and BMI Observations, Conditions. */
    public String hospitalBundle(FhirContext fhir) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        int unsequenced = 0;
        for (HospitalPatient p : hospitalPatients) {
            Patient patient = new Patient();
            patient.setId(p.localId());
            String biobankId = p.sample() != null ? p.sample() : String.format("BB-UNSEQ-%03d", ++unsequenced);
            patient.addIdentifier().setSystem(FhirBundleImporter.BIOBANK_ID_SYSTEM).setValue(biobankId);
            patient.setGender(p.localId().hashCode() % 2 == 0 ? Enumerations.AdministrativeGender.FEMALE
                    : Enumerations.AdministrativeGender.MALE);
            patient.addExtension(FhirBundleImporter.CONSENT_EXTENSION, new CodeType(p.consented() ? "granted" : "withdrawn"));
            bundle.addEntry().setFullUrl("urn:uuid:patient-" + p.localId()).setResource(patient);
            addObservation(bundle, p, "age", AGE_LOINC, "Age", p.age(), "a");
            addObservation(bundle, p, "bmi", BMI_LOINC, "Body mass index", p.bmi(), "kg/m2");
            if (p.outcome()) {
                Condition condition = new Condition();
                condition.setId(p.localId() + "-t2d");
                condition.getCode().addCoding().setSystem(FhirBundleImporter.SNOMED_CT).setCode(OUTCOME_SNOMED)
                        .setDisplay("Type 2 diabetes mellitus");
                condition.setSubject(new Reference("urn:uuid:patient-" + p.localId()));
                bundle.addEntry().setFullUrl("urn:uuid:condition-" + p.localId()).setResource(condition);
            }
        }
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static void addObservation(Bundle bundle, HospitalPatient p, String suffix, String loinc, String display,
            double value, String unit) {
        Observation observation = new Observation();
        observation.setId(p.localId() + "-" + suffix);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding().setSystem(FhirBundleImporter.LOINC).setCode(loinc).setDisplay(display);
        observation.setSubject(new Reference("urn:uuid:patient-" + p.localId()));
        observation.setEffective(new DateTimeType(LocalDate.of(2026, 6, 1).toString()));
        observation.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        bundle.addEntry().setFullUrl("urn:uuid:observation-" + p.localId() + "-" + suffix).setResource(observation);
    }

    /**
     * What a centralised analysis of the same patients would see (hospital columns first),
     * for the baseline the demo prints next to the encrypted model: consented patients the
     * lab has sequenced.
     */
    record Centralised(double[][] features, double[] labels) {
    }

    Centralised centralised() {
        List<double[]> rows = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        for (HospitalPatient p : hospitalPatients) {
            if (p.sample() != null && p.consented()) {
                double[] dosages = dosagesBySample.get(p.sample());
                double[] row = new double[2 + dosages.length];
                row[0] = p.age();
                row[1] = p.bmi();
                System.arraycopy(dosages, 0, row, 2, dosages.length);
                rows.add(row);
                labels.add(p.outcome() ? 1.0 : 0.0);
            }
        }
        return new Centralised(rows.toArray(double[][]::new), labels.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double[] standardised(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double variance = 0;
        for (double v : x) {
            variance += (v - mean) * (v - mean) / (x.length - 1);
        }
        double sd = Math.sqrt(variance);
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            z[i] = sd == 0 ? 0 : (x[i] - mean) / sd;
        }
        return z;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
