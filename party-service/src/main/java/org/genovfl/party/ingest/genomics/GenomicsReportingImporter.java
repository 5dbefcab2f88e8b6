package org.genovfl.party.ingest.genomics;

import static org.genovfl.party.ingest.genomics.GenomicsReportingCodes.*;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.genovfl.party.ingest.PatientStore;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Range;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports FHIR Genomics Reporting IG 3.0.0 variant Observations into the genotype store, as
 * one dataset whose samples are the reporting patients. Each Observation is assessed on its
 * own: it is either imported or refused with a stated reason (refusal is not an error: the
 * IG can express much that a dosage matrix cannot).
 *
 * <p>A variant Observation is imported when it is "present" (LA9633-4) for a Patient and
 * names a RefSeq chromosome (48013-7, NC_0000nn), an exact start (81254-5) in a stated
 * coordinate system (92822-6), reference and alternate alleles (69547-8, 69551-0) that
 * differ, and an allelic state (53034-5): heterozygous is dosage 1, homozygous 2,
 * hemizygous a haploid call of the alternate allele. Gene (48018-6, HGNC) and dbSNP id
 * (81252-9) are kept when given. Patients without a report of a variant are missing (3) in
 * its row, not homozygous reference: a report lists what was found, not what was not.
 *
 * <p>Genotype Observations (profile genotype) report haplotype or star-allele calls
 * ("CYP2C19 *1/*2", HLA GL strings), not site alleles; they are refused with that reason.
 */
@Service
public class GenomicsReportingImporter {

    private static final Logger log = LoggerFactory.getLogger(GenomicsReportingImporter.class);

    /** The verdict on one Observation. {@code variant} is null when refused. */
    public record Assessment(String observationId, boolean imported, String reason, ReportedVariant variant) {
        static Assessment refused(String id, String reason) {
            return new Assessment(id, false, reason, null);
        }
    }

    /** One site of one patient, as a variant Observation states it. */
    public record ReportedVariant(String patientLocalId, String chrom, long pos, String ref, String alt, int dosage,
            boolean haploid, String gene, String rsId, String assembly) {
    }

    /** The dataset written (null if nothing was importable) and the verdict on every Observation. */
    public record GenomicsImport(ImportedDataset dataset, List<Assessment> assessments) {
    }

    private final FhirContext fhir;
    private final TransactionTemplate transaction;
    private final GenotypeStore store;
    private final PatientStore patients;

    public GenomicsReportingImporter(FhirContext fhir, PlatformTransactionManager transactions, GenotypeStore store,
            PatientStore patients) {
        this.fhir = fhir;
        this.transaction = new TransactionTemplate(transactions);
        this.store = store;
        this.patients = patients;
    }

    /**
     * Imports the variant Observations of a Bundle, or a single Observation.
     *
     * @throws DataFormatException if the JSON is not a FHIR R4 resource
     */
    public GenomicsImport importJson(String json, String datasetName) {
        IBaseResource resource = fhir.newJsonParser().parseResource(json);
        List<Observation> observations = new ArrayList<>();
        if (resource instanceof Bundle bundle) {
            bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(Observation.class::isInstance).map(Observation.class::cast).forEach(observations::add);
        } else if (resource instanceof Observation observation) {
            observations.add(observation);
        } else {
            throw new IllegalArgumentException("expected a Bundle or an Observation, found " + resource.fhirType());
        }
        return importObservations(observations, datasetName);
    }

    public GenomicsImport importObservations(List<Observation> observations, String datasetName) {
        List<Assessment> assessments = new ArrayList<>();
        Map<String, ReportedVariant> bySiteAndPatient = new LinkedHashMap<>();
        for (Observation observation : observations) {
            if (!isVariantOrGenotype(observation)) {
                continue; // implications, haplotypes, ... are not genotype data at all
            }
            Assessment assessment = assess(observation);
            if (assessment.imported()) {
                ReportedVariant v = assessment.variant();
                String key = v.patientLocalId() + "|" + v.chrom() + "|" + v.pos() + "|" + v.ref() + "|" + v.alt();
                ReportedVariant earlier = bySiteAndPatient.putIfAbsent(key, v);
                if (earlier != null && earlier.dosage() != v.dosage()) {
                    assessment = Assessment.refused(assessment.observationId(),
                            "contradicts an earlier Observation of the same patient and site");
                }
            }
            assessments.add(assessment);
        }
        ImportedDataset dataset = bySiteAndPatient.isEmpty() ? null
                : transaction.execute(status -> write(new ArrayList<>(bySiteAndPatient.values()), datasetName));
        log.info("Genomics Reporting import: {} Observations imported, {} refused", 
                assessments.stream().filter(Assessment::imported).count(),
                assessments.stream().filter(a -> !a.imported()).count());
        return new GenomicsImport(dataset, assessments);
    }

    static boolean isVariantOrGenotype(Observation observation) {
        return hasProfile(observation, VARIANT_PROFILE) || hasProfile(observation, GENOTYPE_PROFILE)
                || coded(observation.getCode(), VARIANT_ASSESSMENT).isPresent();
    }

    private static boolean hasProfile(Observation observation, String profile) {
        return observation.getMeta().getProfile().stream().anyMatch(p -> profile.equals(p.getValue()));
    }

    /** The verdict on one variant or genotype Observation. */
    public Assessment assess(Observation observation) {
        String id = observation.getIdElement().getIdPart();
        if (hasProfile(observation, GENOTYPE_PROFILE)) {
            return Assessment.refused(id, "genotype Observation: a haplotype or star-allele call, not site alleles; "
                    + "GenoVFL stores per-site dosages only");
        }
        if (!observation.getSubject().hasReference() || !observation.getSubject().getReference().startsWith("Patient/")) {
            return Assessment.refused(id, "no Patient subject");
        }
        String patient = observation.getSubject().getReference().substring("Patient/".length());
        Optional<Coding> value = observation.hasValueCodeableConcept()
                ? observation.getValueCodeableConcept().getCoding().stream().filter(c -> LOINC.equals(c.getSystem())).findFirst()
                : Optional.empty();
        if (value.isPresent() && ABSENT.equals(value.get().getCode())) {
            return Assessment.refused(id, "variant reported absent");
        }
        if (component(observation, GENOMIC_SOURCE_CLASS).flatMap(c -> codeOf(c, LOINC)).filter(SOMATIC::equals).isPresent()) {
            return Assessment.refused(id, "somatic variant: a tumour's allele fraction, not a germline dosage");
        }
        Optional<String> accession = component(observation, GENOMIC_REF_SEQ).flatMap(c -> codeOf(c, REFSEQ));
        Optional<String> chrom = accession.flatMap(GenomicsReportingCodes::chromosomeOf);
        if (chrom.isEmpty()) {
            return Assessment.refused(id, accession.isPresent()
                    ? "reference sequence " + accession.get() + " is not a RefSeq chromosome (NC_0000nn)"
                    : "no genomic reference sequence (48013-7): position cannot be placed on a chromosome");
        }
        Optional<Range> range = component(observation, EXACT_START_END).filter(ObservationComponentComponent::hasValueRange)
                .map(ObservationComponentComponent::getValueRange);
        if (range.isEmpty() || !range.get().getLow().hasValue()) {
            return Assessment.refused(id, "no exact start-end (81254-5): structural or imprecise variant");
        }
        long start = range.get().getLow().getValue().longValue();
        Optional<String> coordinates = component(observation, COORDINATE_SYSTEM).flatMap(c -> codeOf(c, LOINC));
        if (coordinates.isEmpty() && genomicHgvsStartsAt(observation, accession.get(), start)) {
            // HGVS g. positions are 1-based: a genomic HGVS expression at the same start fixes the system.
            coordinates = Optional.of(ONE_BASED_CHARACTER);
        }
        if (coordinates.isEmpty() || !(coordinates.get().equals(ZERO_BASED_INTERVAL) || coordinates.get().equals(ONE_BASED_CHARACTER))) {
            return Assessment.refused(id, "no coordinate system (92822-6) stated nor implied by a genomic HGVS: start is ambiguous");
        }
        long pos = coordinates.get().equals(ZERO_BASED_INTERVAL) ? start + 1 : start;
        Optional<String> ref = component(observation, REF_ALLELE).filter(ObservationComponentComponent::hasValueStringType)
                .map(c -> c.getValueStringType().getValue());
        Optional<String> alt = component(observation, ALT_ALLELE).filter(ObservationComponentComponent::hasValueStringType)
                .map(c -> c.getValueStringType().getValue());
        if (ref.isEmpty() || alt.isEmpty()) {
            return Assessment.refused(id, "no reference and alternate alleles (69547-8, 69551-0)");
        }
        if (ref.get().equalsIgnoreCase(alt.get())) {
            return Assessment.refused(id, "reference and alternate alleles are equal (wild type): no alternate allele to count");
        }
        if (!ref.get().matches("[ACGTNacgtn]+") || !alt.get().matches("[ACGTNacgtn]+")) {
            return Assessment.refused(id, "alleles are not plain sequence");
        }
        Optional<String> state = component(observation, ALLELIC_STATE).flatMap(c -> codeOf(c, LOINC));
        int dosage;
        boolean haploid = false;
        if (state.isEmpty()) {
            return Assessment.refused(id, "no allelic state (53034-5): dosage unknown");
        }
        switch (state.get()) {
            case HETEROZYGOUS -> dosage = 1;
            case HOMOZYGOUS -> dosage = 2;
            case HEMIZYGOUS -> {
                dosage = 1;
                haploid = true;
            }
            default -> {
                return Assessment.refused(id, "allelic state " + state.get() + " has no dosage (e.g. heteroplasmic)");
            }
        }
        String gene = component(observation, GENE_STUDIED).filter(ObservationComponentComponent::hasValueCodeableConcept)
                .flatMap(c -> c.getValueCodeableConcept().getCoding().stream().filter(g -> HGNC.equals(g.getSystem())).findFirst())
                .map(g -> g.hasDisplay() ? g.getDisplay() : g.getCode()).orElse(null);
        String rsId = component(observation, DISCRETE_VARIANT).flatMap(c -> codeOf(c, DBSNP))
                .filter(code -> code.startsWith("rs")).orElse(null);
        return new Assessment(id, true, null, new ReportedVariant(patient, chrom.get(), pos, ref.get().toUpperCase(),
                alt.get().toUpperCase(), dosage, haploid, gene, rsId, GenomicsReportingCodes.assemblyOf(accession.get()).orElse(null)));
    }

    private static boolean genomicHgvsStartsAt(Observation observation, String accession, long start) {
        return component(observation, GENOMIC_HGVS).flatMap(c -> codeOf(c, HGVS))
                .filter(hgvs -> hgvs.startsWith(accession + ":g." + start)
                        && !Character.isDigit(hgvs.charAt((accession + ":g." + start).length())))
                .isPresent();
    }

    private static Optional<ObservationComponentComponent> component(Observation observation, String loinc) {
        return observation.getComponent().stream().filter(c -> coded(c.getCode(), loinc).isPresent()).findFirst();
    }

    private static Optional<Coding> coded(CodeableConcept concept, String loinc) {
        return concept.getCoding().stream().filter(c -> LOINC.equals(c.getSystem()) && loinc.equals(c.getCode())).findFirst();
    }

    private static Optional<Coding> codingOf(ObservationComponentComponent component, String system) {
        if (!component.hasValueCodeableConcept()) {
            return Optional.empty();
        }
        return component.getValueCodeableConcept().getCoding().stream()
                .filter(c -> system.equals(c.getSystem()) && c.hasCode()).findFirst();
    }

    private static Optional<String> codeOf(ObservationComponentComponent component, String system) {
        return codingOf(component, system).map(Coding::getCode);
    }

    private ImportedDataset write(List<ReportedVariant> reports, String name) {
        long started = System.nanoTime();
        TreeSet<String> patientIds = new TreeSet<>();
        reports.forEach(r -> patientIds.add(r.patientLocalId()));
        List<String> samples = new ArrayList<>(patientIds);
        Map<String, Integer> column = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            column.put(samples.get(i), i);
        }
        String assembly = reports.stream().map(ReportedVariant::assembly).filter(a -> a != null).findFirst().orElse(null);
        UUID dataset = store.createDataset(name, null, "FHIR", assembly);
        List<Long> linked = samples.stream().map(s -> patients.findOrCreateByLocalId(s, "FHIR")).toList();
        store.addSamples(dataset, samples, linked);
        Map<String, List<ReportedVariant>> bySite = new TreeMap<>(Comparator.comparing((String k) -> k));
        for (ReportedVariant r : reports) {
            bySite.computeIfAbsent(siteKey(r), k -> new ArrayList<>()).add(r);
        }
        GenotypeStore.VariantWriter writer = store.variantWriter(dataset);
        bySite.values().stream().sorted(Comparator.comparing((List<ReportedVariant> l) -> chromosomeOrder(l.get(0).chrom()))
                .thenComparingLong(l -> l.get(0).pos()).thenComparing(l -> l.get(0).ref()).thenComparing(l -> l.get(0).alt()))
                .forEach(site -> {
                    DosageAccumulator accumulator = new DosageAccumulator(samples.size());
                    boolean[] reported = new boolean[samples.size()];
                    ReportedVariant first = site.get(0);
                    for (ReportedVariant r : site) {
                        int s = column.get(r.patientLocalId());
                        reported[s] = true;
                        if (r.haploid()) {
                            accumulator.add(s, 1, 1, -1, 1);
                        } else {
                            accumulator.add(s, 2, r.dosage() == 2 ? 1 : 0, 1, 1);
                        }
                    }
                    for (int s = 0; s < samples.size(); s++) {
                        if (!reported[s]) {
                            accumulator.add(s, 2, -1, -1, 1);
                        }
                    }
                    String gene = site.stream().map(ReportedVariant::gene).filter(g -> g != null).findFirst().orElse(null);
                    String rsId = site.stream().map(ReportedVariant::rsId).filter(g -> g != null).findFirst().orElse(null);
                    writer.accept(accumulator.row(first.chrom(), first.pos(), rsId, first.ref(), first.alt()).withGene(gene));
                });
        writer.flush();
        store.complete(dataset, samples.size(), writer.count());
        return new ImportedDataset(dataset, name, "FHIR", samples.size(), writer.count(), 0, samples.size(),
                writer.count() * samples.size(), (System.nanoTime() - started) / 1_000_000);
    }

    private static String siteKey(ReportedVariant r) {
        return r.chrom() + "|" + r.pos() + "|" + r.ref() + "|" + r.alt();
    }

    private static int chromosomeOrder(String chrom) {
        return switch (chrom) {
            case "X" -> 23;
            case "Y" -> 24;
            default -> Integer.parseInt(chrom);
        };
    }
}
