package org.genovfl.party.ingest.genomics;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes genotype datasets: the dataset row, its samples (column order of the packed
 * dosages) and its variants in batches. Callers hold the import transaction; a dataset is
 * created IMPORTING and marked READY by {@link #complete} in that same transaction, so a
 * failed import rolls back to nothing.
 */
@Component
public class GenotypeStore {

    /** Variants written per statement at most. */
    public static final int BATCH_SIZE = 1_000;

    /**
     * Packed dosage bytes written per statement at most: with many samples a batch holds
     * fewer variants, so the memory a batch takes does not grow with the number of samples.
     */
    public static final long BATCH_BYTES = 2L << 20;

    /** Whether a batch of {@code rows} variants holding {@code bytes} packed dosage bytes is to be written. */
    public static boolean isFullBatch(int rows, long bytes) {
        return rows >= BATCH_SIZE || bytes >= BATCH_BYTES;
    }

    private final JdbcTemplate jdbc;

    public GenotypeStore(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public UUID createDataset(String name, String sourceSha256, String format, String referenceAssembly) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO genotype_dataset (id, name, source_sha256, status, source_format, reference_assembly)
                VALUES (?, ?, ?, 'IMPORTING', ?, ?)
                """, id, name, sourceSha256, format, referenceAssembly);
        return id;
    }

    /** Adds the samples in column order; {@code patientIds} may hold nulls (sample not linked). */
    public void addSamples(UUID dataset, List<String> sampleNames, List<Long> patientIds) {
        jdbc.batchUpdate("INSERT INTO genotype_sample (dataset_id, sample_index, sample_name, patient_id) VALUES (?, ?, ?, ?)",
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        ps.setObject(1, dataset);
                        ps.setInt(2, i);
                        ps.setString(3, sampleNames.get(i));
                        ps.setObject(4, patientIds.get(i), Types.BIGINT);
                    }

                    @Override
                    public int getBatchSize() {
                        return sampleNames.size();
                    }
                });
    }

    /** A sink that buffers rows and writes each full batch ({@link #isFullBatch}), numbering them from 0. */
    public VariantWriter variantWriter(UUID dataset) {
        return new VariantWriter(dataset);
    }

    public void complete(UUID dataset, int samples, long variants) {
        jdbc.update("UPDATE genotype_dataset SET status = 'READY', sample_count = ?, variant_count = ? WHERE id = ?",
                samples, variants, dataset);
    }

    /** Buffers variant rows of one dataset; {@link #flush} writes what is left. */
    public final class VariantWriter implements java.util.function.Consumer<DosageRow> {
        private final UUID dataset;
        private final List<DosageRow> buffer = new ArrayList<>(BATCH_SIZE);
        private long bufferedBytes;
        private int nextIndex;

        private VariantWriter(UUID dataset) {
            this.dataset = dataset;
        }

        @Override
        public void accept(DosageRow row) {
            buffer.add(row);
            bufferedBytes += row.dosages().length;
            if (isFullBatch(buffer.size(), bufferedBytes)) {
                flush();
            }
        }

        public void flush() {
            if (buffer.isEmpty()) {
                return;
            }
            // One statement per batch (arrays unnested by PostgreSQL): a JDBC batch would
            // still be one INSERT per row on the server.
            int n = buffer.size();
            Integer[] index = new Integer[n];
            String[] chrom = new String[n];
            Long[] pos = new Long[n];
            String[] variantId = new String[n];
            String[] ref = new String[n];
            String[] alt = new String[n];
            Double[] frequency = new Double[n];
            Double[] callRate = new Double[n];
            Double[] hwe = new Double[n];
            byte[][] dosages = new byte[n][];
            String[] gene = new String[n];
            for (int i = 0; i < n; i++) {
                DosageRow row = buffer.get(i);
                VariantStatistics stats = row.statistics();
                index[i] = nextIndex + i;
                chrom[i] = row.chrom();
                pos[i] = row.pos();
                variantId[i] = row.variantId();
                ref[i] = row.ref();
                alt[i] = row.alt();
                frequency[i] = nullIfNaN(stats.alternateAlleleFrequency());
                callRate[i] = nullIfNaN(stats.callRate());
                hwe[i] = nullIfNaN(stats.hardyWeinbergP());
                dosages[i] = row.dosages();
                gene[i] = row.gene();
            }
            jdbc.execute((java.sql.Connection connection) -> {
                try (PreparedStatement ps = connection.prepareStatement("""
                        INSERT INTO genotype_variant (dataset_id, variant_index, chrom, pos, variant_id, ref, alt,
                            alt_allele_freq, call_rate, hwe_p, dosages, gene)
                        SELECT ?, * FROM unnest(?::int[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[],
                            ?::float8[], ?::float8[], ?::float8[], ?::bytea[], ?::text[])
                        """)) {
                    ps.setObject(1, dataset);
                    ps.setArray(2, connection.createArrayOf("int4", index));
                    ps.setArray(3, connection.createArrayOf("text", chrom));
                    ps.setArray(4, connection.createArrayOf("int8", pos));
                    ps.setArray(5, connection.createArrayOf("text", variantId));
                    ps.setArray(6, connection.createArrayOf("text", ref));
                    ps.setArray(7, connection.createArrayOf("text", alt));
                    ps.setArray(8, connection.createArrayOf("float8", frequency));
                    ps.setArray(9, connection.createArrayOf("float8", callRate));
                    ps.setArray(10, connection.createArrayOf("float8", hwe));
                    ps.setArray(11, connection.createArrayOf("bytea", dosages));
                    ps.setArray(12, connection.createArrayOf("text", gene));
                    return ps.executeUpdate();
                }
            });
            nextIndex += buffer.size();
            buffer.clear();
            bufferedBytes = 0;
        }

        /** Rows written or buffered so far. */
        public long count() {
            return nextIndex + buffer.size();
        }
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
