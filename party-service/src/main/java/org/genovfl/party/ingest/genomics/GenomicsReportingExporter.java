package org.genovfl.party.ingest.genomics;

import static org.genovfl.party.ingest.genomics.GenomicsReportingCodes.*;

import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Exports the variants a patient carries (dosage 1 or 2 in any READY dataset) as FHIR
 * Genomics Reporting IG 3.0.0 variant Observations, in a collection Bundle, in the form
 * {@link GenomicsReportingImporter} reads back: RefSeq chromosome (when the dataset's
 * assembly is known), 0-based interval, alleles, allelic state (dosage 1 heterozygous,
 * 2 homozygous), gene and dbSNP id when known.
 */
@Service
public class GenomicsReportingExporter {

    private final JdbcClient jdbc;

    public GenomicsReportingExporter(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    private record Carried(String dataset, String assembly, String chrom, long pos, String variantId, String ref, String alt,
            String gene, int dosage) {
    }

    /** The variant Observations of the patient with this local id (an empty Bundle if none). */
    public Bundle exportPatient(String patientLocalId) {
        List<Carried> carried = jdbc.sql("""
                SELECT d.id, d.reference_assembly, v.chrom, v.pos, v.variant_id, v.ref, v.alt, v.gene,
                       (get_byte(v.dosages, s.sample_index / 4) >> ((s.sample_index % 4) * 2)) & 3 AS dosage
                  FROM patient p
                  JOIN genotype_sample s ON s.patient_id = p.id
                  JOIN genotype_dataset d ON d.id = s.dataset_id AND d.status = 'READY'
                  JOIN genotype_variant v ON v.dataset_id = d.id
                 WHERE p.local_id = ?
                   AND ((get_byte(v.dosages, s.sample_index / 4) >> ((s.sample_index % 4) * 2)) & 3) IN (1, 2)
                 ORDER BY d.imported_at, d.id, v.variant_index
                """).param(patientLocalId)
                .query((rs, i) -> new Carried(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9))).list();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        int n = 0;
        for (Carried c : carried) {
            Observation observation = observation(patientLocalId, c);
            observation.setId("variant-" + (++n));
            bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.nameUUIDFromBytes(
                    (patientLocalId + "|" + c.dataset() + "|" + c.chrom() + "|" + c.pos() + "|" + c.ref() + "|" + c.alt())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))).setResource(observation);
        }
        return bundle;
    }

    private static Observation observation(String patient, Carried c) {
        Observation o = new Observation();
        o.getMeta().addProfile(VARIANT_PROFILE);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null)));
        o.setCode(loinc(VARIANT_ASSESSMENT, "Genetic variant assessment"));
        o.setSubject(new Reference("Patient/" + patient));
        o.setValue(loinc(PRESENT, "Present"));
        GenomicsReportingCodes.accessionOf(c.chrom(), c.assembly()).ifPresent(accession ->
                component(o, GENOMIC_REF_SEQ, new CodeableConcept(new Coding(REFSEQ, accession, c.assembly() + " chr" + c.chrom()))));
        component(o, COORDINATE_SYSTEM, loinc(ZERO_BASED_INTERVAL, "0-based interval counting"));
        component(o, EXACT_START_END, new Range().setLow(new Quantity(c.pos() - 1)).setHigh(new Quantity(c.pos() - 1 + c.ref().length())));
        component(o, REF_ALLELE, new StringType(c.ref()));
        component(o, ALT_ALLELE, new StringType(c.alt()));
        component(o, ALLELIC_STATE, c.dosage() == 2 ? loinc(HOMOZYGOUS, "homozygous") : loinc(HETEROZYGOUS, "heterozygous"));
        if (c.gene() != null) {
            component(o, GENE_STUDIED, new CodeableConcept(new Coding(HGNC, null, c.gene())));
        }
        if (c.variantId() != null && c.variantId().startsWith("rs")) {
            component(o, DISCRETE_VARIANT, new CodeableConcept(new Coding(DBSNP, c.variantId(), null)));
        }
        return o;
    }

    private static CodeableConcept loinc(String code, String display) {
        return new CodeableConcept(new Coding(LOINC, code, display));
    }

    private static void component(Observation o, String code, Type value) {
        o.addComponent().setCode(loinc(code, null)).setValue(value);
    }
}
