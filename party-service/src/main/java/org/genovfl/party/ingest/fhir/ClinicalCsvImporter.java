package org.genovfl.party.ingest.fhir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports a tabular clinical export, one fact per line, all or nothing:
 *
 * <pre>
 * patient_id,kind,system,code,value,unit,effective_at
 * h-0001,observation,http://loinc.org,2339-0,5.4,mmol/L,2024-06-01
 * h-0001,condition,http://snomed.info/sct,254837009,,,2023-01-10
 * </pre>
 *
 * {@code patient_id} is the local id of a Patient imported before (its FHIR id). An
 * observation needs a numeric value; a condition needs a SNOMED CT or ICD-10 system. Any
 * problem refuses the whole file with every problem's line in {@link CsvImportException}.
 */
@Service
public class ClinicalCsvImporter {

    /** The header every file starts with. */
    public static final String HEADER = "patient_id,kind,system,code,value,unit,effective_at";

    /** A refused CSV import: nothing was written; each problem starts with its line. */
    public static final class CsvImportException extends RuntimeException {
        private final transient List<String> problems;

        CsvImportException(List<String> problems) {
            super("CSV import refused with " + problems.size() + " problem(s): " + problems.get(0));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** What a CSV import wrote. */
    public record CsvImport(int observations, int conditions) {
    }

    private record Row(long patient, String kind, String system, String code, Double value, String unit,
            OffsetDateTime effective, String sourceRef) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final TransactionTemplate transaction;

    public ClinicalCsvImporter(DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = JdbcClient.create(dataSource);
        this.batch = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * @param sourceName names the file in {@code source_ref} (file:line), so a re-import of the
     *     same file replaces its rows
     * @throws CsvImportException listing every problem with its line
     */
    public CsvImport importCsv(Reader csv, String sourceName) {
        List<String> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        Map<String, Optional<Long>> patients = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(csv)) {
            String header = reader.readLine();
            if (header == null || !header.trim().equals(HEADER)) {
                throw new CsvImportException(List.of("line 1: the header must be " + HEADER));
            }
            String line;
            int number = 1;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                parse(line, number, sourceName, patients, problems).ifPresent(rows::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sourceName, e);
        }
        if (!problems.isEmpty()) {
            throw new CsvImportException(problems);
        }
        return transaction.execute(status -> write(rows, sourceName));
    }

    private Optional<Row> parse(String line, int number, String sourceName, Map<String, Optional<Long>> patients,
            List<String> problems) {
        String[] f = line.split(",", -1);
        String at = "line " + number + ": ";
        if (f.length != 7) {
            problems.add(at + "expected 7 comma-separated fields, found " + f.length);
            return Optional.empty();
        }
        Optional<Long> patient = patients.computeIfAbsent(f[0].trim(), id -> jdbc.sql("SELECT id FROM patient WHERE local_id = ?")
                .param(id).query(Long.class).optional());
        if (patient.isEmpty()) {
            problems.add(at + "patient_id names no Patient imported before");
        }
        String kind = f[1].trim();
        String system = f[2].trim();
        String code = f[3].trim();
        if (code.isEmpty() || system.isEmpty()) {
            problems.add(at + "system and code are required");
        }
        Double value = null;
        if (kind.equals("observation")) {
            try {
                value = Double.valueOf(f[4].trim());
            } catch (NumberFormatException e) {
                problems.add(at + "value (column 5) is not a number");
            }
        } else if (kind.equals("condition")) {
            if (!system.equals(FhirBundleImporter.SNOMED_CT) && !FhirBundleImporter.ICD_10.contains(system)) {
                problems.add(at + "a condition needs a SNOMED CT or ICD-10 system (column 3)");
            }
        } else {
            problems.add(at + "kind (column 2) must be observation or condition");
        }
        OffsetDateTime effective = null;
        if (!f[6].isBlank()) {
            try {
                effective = f[6].trim().length() == 10 ? LocalDate.parse(f[6].trim()).atStartOfDay().atOffset(ZoneOffset.UTC)
                        : OffsetDateTime.parse(f[6].trim());
            } catch (DateTimeParseException e) {
                problems.add(at + "effective_at (column 7) is not an ISO date or date-time");
            }
        }
        if (patient.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Row(patient.get(), kind, system, code, value, f[5].trim().isEmpty() ? null : f[5].trim(),
                effective, "csv:" + sourceName + ":" + number));
    }

    private CsvImport write(List<Row> rows, String sourceName) {
        jdbc.sql("DELETE FROM clinical_observation WHERE source_ref LIKE ?").param("csv:" + sourceName + ":%").update();
        jdbc.sql("DELETE FROM clinical_condition WHERE source_ref LIKE ?").param("csv:" + sourceName + ":%").update();
        List<Row> observations = rows.stream().filter(r -> r.kind().equals("observation")).toList();
        List<Row> conditions = rows.stream().filter(r -> r.kind().equals("condition")).toList();
        batch.batchUpdate("INSERT INTO clinical_observation (patient_id, code_system, code, value_numeric, unit, effective_at, source_ref)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", observations, 1000, (ps, r) -> {
                    ps.setLong(1, r.patient());
                    ps.setString(2, r.system());
                    ps.setString(3, r.code());
                    ps.setDouble(4, r.value());
                    ps.setString(5, r.unit());
                    ps.setObject(6, r.effective());
                    ps.setString(7, r.sourceRef());
                });
        batch.batchUpdate("INSERT INTO clinical_condition (patient_id, code_system, code, clinical_status, onset_at, source_ref)"
                + " VALUES (?, ?, ?, 'active', ?, ?)", conditions, 1000, (ps, r) -> {
                    ps.setLong(1, r.patient());
                    ps.setString(2, r.system());
                    ps.setString(3, r.code());
                    ps.setObject(4, r.effective());
                    ps.setString(5, r.sourceRef());
                });
        return new CsvImport(observations.size(), conditions.size());
    }
}
