package org.genovfl.party.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.genovfl.party.ingest.PatientStore;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.genovfl.party.config.UploadLimits;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports FHIR R4 Bundles (collection or transaction) of a hospital: Patient, Consent,
 * Observation and Condition. All or nothing: every entry is parsed by HAPI FHIR and checked
 * first; if any has a problem, nothing is written and {@link FhirImportException} carries
 * an OperationOutcome listing every problem with its location.
 *
 * <p>What is read, and how:
 * <ul>
 *   <li><b>Patient</b>: local id = the resource id. Linkage identifiers: an identifier with
 *       system {@value #BIOBANK_ID_SYSTEM} is the BIOBANK_SAMPLE_ID; one typed v2-0203
 *       {@code SS}, {@code NI} or {@code NN*} is the NATIONAL_ID; first given name, family
 *       name and birth date together give NAME_AND_BIRTH_DATE ({@code given family|yyyy-mm-dd}).
 *       All are stored in psi-matching's normal form. Research consent: the
 *       extension {@value #CONSENT_EXTENSION} with valueCode {@code granted} or
 *       {@code withdrawn}.
 *   <li><b>Consent</b> (alternative to the extension): scope {@code research}; status
 *       {@code active} is GRANTED, {@code rejected} or {@code inactive} WITHDRAWN (other
 *       statuses are a problem); {@code patient} names the Patient; {@code dateTime} dates it.
 *   <li><b>Observation</b>: needs a LOINC coding (others are skipped with a warning) and
 *       either a value (valueQuantity with a value and a UCUM unit, valueCodeableConcept,
 *       valueBoolean, valueInteger) or components, each stored under its own LOINC code.
 *   <li><b>Condition</b>: needs a SNOMED CT or ICD-10 (WHO or CM) coding.
 *   <li>Other resource types are counted as skipped; they are not a problem.
 * </ul>
 * Subjects are resolved to a Patient of the same bundle (by fullUrl or {@code Patient/id})
 * or one imported before. Re-importing a resource (same type and id) replaces it; the same
 * type and id twice in one bundle (Patients included) is a problem.
 *
 * <p>Problems name the element and its position ({@code Bundle.entry[3].resource.birthDate}),
 * never its value: the OperationOutcome and the log line may be read by people who must not
 * see a patient's name, birth date or identifiers.
 */
@Service
public class FhirBundleImporter {

    /** Extension on Patient carrying the research consent: valueCode granted | withdrawn. */
    public static final String CONSENT_EXTENSION = "https://genovfl.org/fhir/StructureDefinition/research-consent";
    /** Identifier system of biobank sample ids, the usual PSI linkage identifier. */
    public static final String BIOBANK_ID_SYSTEM = "https://genovfl.org/fhir/NamingSystem/biobank-sample-id";
    public static final String LOINC = "http://loinc.org";
    public static final String SNOMED_CT = "http://snomed.info/sct";
    static final Set<String> ICD_10 = Set.of("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm");
    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private static final Logger log = LoggerFactory.getLogger(FhirBundleImporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FhirContext fhir;
    private final TransactionTemplate transaction;
    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final PatientStore patients;
    private final int maxEntries;

    /** An importer with the default {@link UploadLimits}. */
    public FhirBundleImporter(FhirContext fhir, PlatformTransactionManager transactions, DataSource dataSource,
            PatientStore patients) {
        this(fhir, transactions, dataSource, patients, UploadLimits.defaults());
    }

    @Autowired
    public FhirBundleImporter(FhirContext fhir, PlatformTransactionManager transactions, DataSource dataSource,
            PatientStore patients, UploadLimits limits) {
        this.maxEntries = limits.maxBundleEntries();
        this.fhir = fhir;
        this.transaction = new TransactionTemplate(transactions);
        this.jdbc = JdbcClient.create(dataSource);
        this.batch = new JdbcTemplate(dataSource);
        this.patients = patients;
    }

    /** Imports a bundle file (JSON). */
    public ClinicalImport importFile(Path file) {
        try {
            return importJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.getFileName(), e);
        }
    }

    /**
     * @throws FhirImportException if anything in the bundle is a problem; nothing was written
     */
    public ClinicalImport importJson(String json) {
        Problems problems = new Problems();
        List<Entry> entries = parse(json, problems);
        Plan plan = check(entries, problems);
        if (problems.hasErrors()) {
            FhirImportException refused = new FhirImportException(problems.toOutcome());
            log.warn("Refused FHIR bundle: {}", refused.getMessage());
            throw refused;
        }
        ClinicalImport imported = transaction.execute(status -> write(plan));
        log.info("Imported FHIR bundle: {} patients, {} observations, {} conditions, {} consent events; skipped {}",
                imported.patients(), imported.observations(), imported.conditions(), imported.consentEvents(),
                imported.skipped());
        return imported;
    }

    /** One bundle entry: its position, fullUrl and parsed resource (null if it did not parse). */
    record Entry(int index, String fullUrl, String method, Resource resource) {
        String location() {
            return "Bundle.entry[" + index + "].resource";
        }
    }

    private List<Entry> parse(String json, Problems problems) {
        JsonNode bundle;
        try {
            bundle = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var where = e.getLocation();
            problems.error(IssueType.STRUCTURE, "Bundle", "not valid JSON"
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
            return List.of();
        }
        if (bundle == null || !"Bundle".equals(bundle.path("resourceType").asText())) {
            problems.error(IssueType.STRUCTURE, "Bundle.resourceType", "expected a FHIR R4 Bundle");
            return List.of();
        }
        String type = bundle.path("type").asText();
        if (!type.equals("collection") && !type.equals("transaction")) {
            problems.error(IssueType.NOTSUPPORTED, "Bundle.type", "only collection and transaction bundles are imported");
        }
        List<Entry> entries = new ArrayList<>();
        JsonNode list = bundle.path("entry");
        if (list.size() > maxEntries) {
            problems.error(IssueType.TOOCOSTLY, "Bundle.entry", "the bundle has " + list.size() + " entries, more than the "
                    + maxEntries + " allowed (genovfl.limits.max-bundle-entries): split it");
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String location = "Bundle.entry[" + i + "].resource";
            String method = entry.path("request").path("method").asText(null);
            if (method != null && !method.equals("POST") && !method.equals("PUT")) {
                problems.error(IssueType.NOTSUPPORTED, "Bundle.entry[" + i + "].request.method",
                        "only POST and PUT entries are imported");
            }
            if (!entry.has("resource")) {
                problems.error(IssueType.REQUIRED, location, "the entry has no resource");
                continue;
            }
            CollectingErrorHandler handler = new CollectingErrorHandler(problems, location, entry.get("resource"));
            IParser parser = fhir.newJsonParser().setParserErrorHandler(handler);
            try {
                Resource resource = (Resource) parser.parseResource(entry.get("resource").toString());
                entries.add(new Entry(i, entry.path("fullUrl").asText(null), method, handler.failed ? null : resource));
            } catch (DataFormatException e) {
                problems.error(IssueType.STRUCTURE, location, "not a valid FHIR R4 resource (" + FhirImportException.codeOf(e) + ")");
            }
        }
        return entries;
    }

    /** Records HAPI's parse problems with the entry's location instead of logging them. */
    private static final class CollectingErrorHandler extends LenientErrorHandler {
        private final Problems problems;
        private final String location;
        private final JsonNode resource;
        boolean failed;

        CollectingErrorHandler(Problems problems, String location, JsonNode resource) {
            super(false);
            this.problems = problems;
            this.location = location;
            this.resource = resource;
        }

        private String at(IParseLocation where) {
            String parent = where == null ? null : where.getParentElementName();
            if (parent == null || Character.isUpperCase(parent.charAt(0))) {
                return location;
            }
            if (!resource.has(parent)) {
                // HAPI names a choice element by its stem ("value"); the JSON by its type ("valueQuantity").
                for (var names = resource.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (name.startsWith(parent) && name.length() > parent.length()
                            && Character.isUpperCase(name.charAt(parent.length()))) {
                        return location + "." + name;
                    }
                }
            }
            return location + "." + parent;
        }

        @Override
        public void invalidValue(IParseLocation where, String value, String error) {
            failed = true;
            // HAPI's error text quotes the value; the location is what the sender needs.
            problems.error(IssueType.VALUE, at(where), "invalid value for this element's type");
        }

        @Override
        public void incorrectJsonType(IParseLocation where, String elementName, ValueType expected,
                ScalarType expectedScalar, ValueType found, ScalarType foundScalar) {
            failed = true;
            problems.error(IssueType.STRUCTURE, at(where) + "." + elementName,
                    "expected a JSON " + (expectedScalar != null ? expectedScalar : expected) + ", found "
                            + (foundScalar != null ? foundScalar : found));
        }

        @Override
        public void unknownElement(IParseLocation where, String elementName) {
            failed = true;
            problems.error(IssueType.STRUCTURE, at(where) + "." + elementName, "unknown element '" + elementName + "'");
        }

        @Override
        public void unexpectedRepeatingElement(IParseLocation where, String elementName) {
            failed = true;
            problems.error(IssueType.STRUCTURE, at(where) + "." + elementName, "element '" + elementName + "' must not repeat");
        }
    }

    /** What the write phase will do, worked out (and checked) before any write. */
    private record Plan(List<PatientRow> patients, List<ConsentRow> consents, List<ObservationRow> observations,
            List<ConditionRow> conditions, Map<String, Integer> skipped) {
    }

    private record PatientRow(String localId, Map<String, String> linkage, String consent) {
    }

    private record ConsentRow(String patientLocalId, String status, OffsetDateTime recordedAt) {
    }

    private record ObservationRow(String patientLocalId, String code, Double valueNumeric, String valueCode, String unit,
            OffsetDateTime effectiveAt, String sourceRef) {
    }

    private record ConditionRow(String patientLocalId, String system, String code, String clinicalStatus,
            OffsetDateTime onsetAt, String sourceRef) {
    }

    private Plan check(List<Entry> entries, Problems problems) {
        // Patients first, so that every other entry can resolve its subject.
        Map<String, String> patientByReference = new HashMap<>();
        List<PatientRow> patientRows = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.resource() instanceof Patient patient) {
                String id = patient.getIdElement().getIdPart();
                if (id == null || id.isBlank()) {
                    problems.error(IssueType.REQUIRED, entry.location() + ".id", "a Patient needs an id (its local id here)");
                    continue;
                }
                if (patientByReference.containsKey("Patient/" + id)) {
                    problems.error(IssueType.DUPLICATE, entry.location() + ".id",
                            "a Patient with this id appears earlier in the bundle");
                    continue;
                }
                patientByReference.put("Patient/" + id, id);
                if (entry.fullUrl() != null) {
                    patientByReference.put(entry.fullUrl(), id);
                }
                patientRows.add(new PatientRow(id, linkageOf(patient), consentOf(patient, entry, problems)));
            }
        }
        List<ConsentRow> consents = new ArrayList<>();
        List<ObservationRow> observations = new ArrayList<>();
        List<ConditionRow> conditions = new ArrayList<>();
        Map<String, Integer> skipped = new TreeMap<>();
        Set<String> knownHere = new HashSet<>();
        for (Entry entry : entries) {
            Resource resource = entry.resource();
            if (resource == null || resource instanceof Patient) {
                continue;
            }
            String sourceRef = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            if (resource.getIdElement().getIdPart() == null) {
                problems.error(IssueType.REQUIRED, entry.location() + ".id", "the resource needs an id, so a re-import can replace it");
                continue;
            }
            if (!knownHere.add(sourceRef)) {
                problems.error(IssueType.DUPLICATE, entry.location() + ".id",
                        "a " + resource.fhirType() + " with this id appears earlier in the bundle");
                continue;
            }
            if (resource instanceof Observation observation) {
                subject(observation.getSubject(), entry, ".subject", patientByReference, problems)
                        .ifPresent(patient -> observations.addAll(observationRows(observation, patient, sourceRef, entry, problems)));
            } else if (resource instanceof Condition condition) {
                subject(condition.getSubject(), entry, ".subject", patientByReference, problems)
                        .ifPresent(patient -> conditionRow(condition, patient, sourceRef, entry, problems).ifPresent(conditions::add));
            } else if (resource instanceof Consent consent) {
                subject(consent.getPatient(), entry, ".patient", patientByReference, problems)
                        .ifPresent(patient -> consentRow(consent, patient, entry, problems).ifPresent(consents::add));
            } else {
                skipped.merge(resource.fhirType(), 1, Integer::sum);
            }
        }
        return new Plan(patientRows, consents, observations, conditions, skipped);
    }

    private static Map<String, String> linkageOf(Patient patient) {
        Map<String, String> linkage = new LinkedHashMap<>();
        for (Identifier identifier : patient.getIdentifier()) {
            if (!identifier.hasValue()) {
                continue;
            }
            if (BIOBANK_ID_SYSTEM.equals(identifier.getSystem())) {
                linkage.put("BIOBANK_SAMPLE_ID", identifier.getValue());
            }
            for (Coding type : identifier.getType().getCoding()) {
                if (V2_0203.equals(type.getSystem()) && type.getCode() != null
                        && (type.getCode().equals("SS") || type.getCode().equals("NI") || type.getCode().startsWith("NN"))) {
                    linkage.putIfAbsent("NATIONAL_ID", identifier.getValue());
                }
            }
        }
        if (patient.hasBirthDate() && patient.hasName()) {
            HumanName name = patient.getNameFirstRep();
            if (name.hasFamily() && name.hasGiven()) {
                linkage.put("NAME_AND_BIRTH_DATE", name.getGiven().get(0).getValue() + " " + name.getFamily() + "|"
                        + patient.getBirthDateElement().getValueAsString());
            }
        }
        return linkage;
    }

    private static String consentOf(Patient patient, Entry entry, Problems problems) {
        Extension extension = patient.getExtensionByUrl(CONSENT_EXTENSION);
        if (extension == null) {
            return null;
        }
        String code = extension.getValue() == null ? null : extension.getValue().primitiveValue();
        if ("granted".equals(code)) {
            return "GRANTED";
        }
        if ("withdrawn".equals(code)) {
            return "WITHDRAWN";
        }
        int index = patient.getExtension().indexOf(extension);
        problems.error(IssueType.CODEINVALID, entry.location() + ".extension[" + index + "].valueCode",
                "research consent must be 'granted' or 'withdrawn'");
        return null;
    }

    private Optional<String> subject(Reference reference, Entry entry, String element,
            Map<String, String> patientByReference, Problems problems) {
        String location = entry.location() + element;
        if (reference == null || !reference.hasReference()) {
            problems.error(IssueType.REQUIRED, location, "no subject: every imported resource must name its Patient");
            return Optional.empty();
        }
        String target = reference.getReference();
        String inBundle = patientByReference.get(target);
        if (inBundle != null) {
            return Optional.of(inBundle);
        }
        if (target.startsWith("Patient/")) {
            String id = target.substring("Patient/".length());
            if (jdbc.sql("SELECT count(*) FROM patient WHERE local_id = ?").param(id).query(Long.class).single() > 0) {
                return Optional.of(id);
            }
        }
        problems.error(IssueType.NOTFOUND, location + ".reference",
                "the reference is neither a Patient of this bundle nor one imported before");
        return Optional.empty();
    }

    private static List<ObservationRow> observationRows(Observation observation, String patient, String sourceRef,
            Entry entry, Problems problems) {
        String location = entry.location();
        Optional<Coding> loinc = coding(observation.getCode(), Set.of(LOINC));
        if (loinc.isEmpty()) {
            problems.warning(IssueType.NOTSUPPORTED, location + ".code", "no LOINC coding: Observation skipped");
            return List.of();
        }
        OffsetDateTime effective = effectiveOf(observation);
        List<ObservationRow> rows = new ArrayList<>();
        if (observation.hasValue()) {
            value(observation.getValue(), location, problems).ifPresent(v -> rows.add(new ObservationRow(patient,
                    loinc.get().getCode(), v.numeric, v.code, v.unit, effective, sourceRef)));
        } else if (observation.hasComponent()) {
            for (int c = 0; c < observation.getComponent().size(); c++) {
                Observation.ObservationComponentComponent component = observation.getComponent().get(c);
                String componentLocation = location + ".component[" + c + "]";
                Optional<Coding> componentLoinc = coding(component.getCode(), Set.of(LOINC));
                if (componentLoinc.isEmpty() || !component.hasValue()) {
                    continue; // a component without LOINC code or value adds nothing to a feature
                }
                int index = c;
                value(component.getValue(), componentLocation, problems).ifPresent(v -> rows.add(new ObservationRow(patient,
                        componentLoinc.get().getCode(), v.numeric, v.code, v.unit, effective, sourceRef + "#component" + index)));
            }
        } else if (!observation.hasDataAbsentReason()) {
            problems.error(IssueType.REQUIRED, location + ".value[x]", "the Observation has no value, no components and no dataAbsentReason");
        }
        return rows;
    }

    private record Value(Double numeric, String code, String unit) {
    }

    private static Optional<Value> value(Type value, String location, Problems problems) {
        if (value instanceof Quantity quantity) {
            if (!quantity.hasValue()) {
                problems.error(IssueType.REQUIRED, location + ".valueQuantity.value", "a valueQuantity needs a value");
                return Optional.empty();
            }
            String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
            if (unit == null || unit.isBlank()) {
                problems.error(IssueType.REQUIRED, location + ".valueQuantity", "a valueQuantity needs a unit (UCUM code)");
                return Optional.empty();
            }
            if (quantity.hasSystem() && !"http://unitsofmeasure.org".equals(quantity.getSystem())) {
                problems.error(IssueType.CODEINVALID, location + ".valueQuantity.system",
                        "units must be UCUM (http://unitsofmeasure.org)");
                return Optional.empty();
            }
            return Optional.of(new Value(quantity.getValue().doubleValue(), null, unit));
        }
        if (value instanceof CodeableConcept concept) {
            Coding first = concept.getCodingFirstRep();
            return Optional.of(new Value(null, first.hasCode() ? first.getSystem() + "|" + first.getCode() : concept.getText(), null));
        }
        if (value instanceof BooleanType bool) {
            return Optional.of(new Value(bool.booleanValue() ? 1.0 : 0.0, null, null));
        }
        if (value instanceof IntegerType integer) {
            return Optional.of(new Value(integer.getValue().doubleValue(), null, null));
        }
        if (value instanceof StringType string) {
            return Optional.of(new Value(null, string.getValue(), null));
        }
        // Periods, ranges, ratios, sampled data: no single value a feature rule could use.
        return Optional.of(new Value(null, null, null));
    }

    private static OffsetDateTime effectiveOf(Observation observation) {
        if (observation.hasEffectiveDateTimeType()) {
            return toOffset(observation.getEffectiveDateTimeType().getValue());
        }
        if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasStart()) {
            return toOffset(observation.getEffectivePeriod().getStart());
        }
        if (observation.hasEffectiveInstantType()) {
            return toOffset(observation.getEffectiveInstantType().getValue());
        }
        return observation.hasIssued() ? toOffset(observation.getIssued()) : null;
    }

    private static Optional<ConditionRow> conditionRow(Condition condition, String patient, String sourceRef, Entry entry,
            Problems problems) {
        Set<String> accepted = new HashSet<>(ICD_10);
        accepted.add(SNOMED_CT);
        Optional<Coding> code = coding(condition.getCode(), accepted);
        if (code.isEmpty()) {
            problems.error(IssueType.CODEINVALID, entry.location() + ".code",
                    "a Condition needs a SNOMED CT or ICD-10 coding");
            return Optional.empty();
        }
        String status = condition.hasClinicalStatus() ? condition.getClinicalStatus().getCodingFirstRep().getCode() : null;
        OffsetDateTime onset = condition.hasOnsetDateTimeType() ? toOffset(condition.getOnsetDateTimeType().getValue())
                : condition.hasRecordedDate() ? toOffset(condition.getRecordedDate()) : null;
        return Optional.of(new ConditionRow(patient, code.get().getSystem(), code.get().getCode(), status, onset, sourceRef));
    }

    private static Optional<ConsentRow> consentRow(Consent consent, String patient, Entry entry, Problems problems) {
        boolean research = consent.getScope().getCoding().stream().anyMatch(c -> "research".equals(c.getCode()));
        if (!research) {
            problems.warning(IssueType.NOTSUPPORTED, entry.location() + ".scope", "not a research consent: skipped");
            return Optional.empty();
        }
        String status = switch (consent.getStatus() == null ? "" : consent.getStatus().toCode()) {
            case "active" -> "GRANTED";
            case "rejected", "inactive" -> "WITHDRAWN";
            default -> null;
        };
        if (status == null) {
            problems.error(IssueType.CODEINVALID, entry.location() + ".status",
                    "a research Consent must be active, rejected or inactive to be imported");
            return Optional.empty();
        }
        return Optional.of(new ConsentRow(patient, status, consent.hasDateTime() ? toOffset(consent.getDateTime()) : null));
    }

    private static Optional<Coding> coding(CodeableConcept concept, Set<String> systems) {
        return concept.getCoding().stream().filter(c -> systems.contains(c.getSystem()) && c.hasCode()).findFirst();
    }

    private static OffsetDateTime toOffset(Date date) {
        return date == null ? null : date.toInstant().atOffset(ZoneOffset.UTC);
    }

    private ClinicalImport write(Plan plan) {
        Map<String, Long> ids = new HashMap<>();
        int consentEvents = 0;
        for (PatientRow row : plan.patients()) {
            long id = patients.findOrCreateByLocalId(row.localId(), "FHIR");
            ids.put(row.localId(), id);
            row.linkage().forEach((type, value) -> patients.setLinkage(id, type, value));
            if (row.consent() != null) {
                patients.recordConsent(id, "RESEARCH", row.consent(), null);
                consentEvents++;
            }
        }
        for (ConsentRow row : plan.consents()) {
            patients.recordConsent(patientId(ids, row.patientLocalId()), "RESEARCH", row.status(), row.recordedAt());
            consentEvents++;
        }
        List<String> replaced = new ArrayList<>();
        plan.observations().forEach(o -> replaced.add(o.sourceRef().split("#")[0]));
        jdbc.sql("DELETE FROM clinical_observation WHERE split_part(source_ref, '#', 1) = ANY(?)")
                .param(replaced.toArray(String[]::new)).update();
        jdbc.sql("DELETE FROM clinical_condition WHERE source_ref = ANY(?)")
                .param(plan.conditions().stream().map(ConditionRow::sourceRef).toArray(String[]::new)).update();
        batch.batchUpdate("""
                INSERT INTO clinical_observation (patient_id, code_system, code, value_numeric, value_code, unit, effective_at, source_ref)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, plan.observations(), 1000, (ps, row) -> {
            ps.setLong(1, patientId(ids, row.patientLocalId()));
            ps.setString(2, LOINC);
            ps.setString(3, row.code());
            ps.setObject(4, row.valueNumeric(), java.sql.Types.DOUBLE);
            ps.setString(5, row.valueCode());
            ps.setString(6, row.unit());
            ps.setObject(7, row.effectiveAt());
            ps.setString(8, row.sourceRef());
        });
        batch.batchUpdate("""
                INSERT INTO clinical_condition (patient_id, code_system, code, clinical_status, onset_at, source_ref)
                VALUES (?, ?, ?, ?, ?, ?)
                """, plan.conditions(), 1000, (ps, row) -> {
            ps.setLong(1, patientId(ids, row.patientLocalId()));
            ps.setString(2, row.system());
            ps.setString(3, row.code());
            ps.setString(4, row.clinicalStatus());
            ps.setObject(5, row.onsetAt());
            ps.setString(6, row.sourceRef());
        });
        return new ClinicalImport(plan.patients().size(), plan.observations().size(), plan.conditions().size(),
                consentEvents, plan.skipped());
    }

    private long patientId(Map<String, Long> ids, String localId) {
        return ids.computeIfAbsent(localId, id -> jdbc.sql("SELECT id FROM patient WHERE local_id = ?").param(id)
                .query(Long.class).single());
    }
}
