package org.genovfl.party.ingest.vcf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the sample ids of a VCF to linkage identifiers (type BIOBANK_SAMPLE_ID unless the
 * sheet says otherwise). Format: a header line {@code sample_id,linkage_id[,id_type]}
 * then one line per sample, comma- or tab-separated.
 *
 * <p>{@link #identity()} is the sheet of a lab whose sample ids are the biobank ids.
 */
public final class SampleSheet {

    /** Where a sample links to. */
    public record Linkage(String idType, String value) {
    }

    private final Map<String, Linkage> bySample;
    private final boolean identity;

    private SampleSheet(Map<String, Linkage> bySample, boolean identity) {
        this.bySample = bySample;
        this.identity = identity;
    }

    /** Every sample id is its own BIOBANK_SAMPLE_ID. */
    public static SampleSheet identity() {
        return new SampleSheet(Map.of(), true);
    }

    /**
     * @throws VcfFormatException naming the sheet and line if a line is malformed or a sample repeats
     */
    public static SampleSheet read(Path file) {
        String name = file.getFileName().toString();
        Map<String, Linkage> bySample = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null || !header.replace('\t', ',').toLowerCase(java.util.Locale.ROOT).startsWith("sample_id,linkage_id")) {
                throw new VcfFormatException(name, 1, "the sample sheet must start with the header sample_id,linkage_id[,id_type]");
            }
            String line;
            long number = 1;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("[,\t]", -1);
                if (fields.length < 2 || fields[0].isBlank() || fields[1].isBlank()) {
                    throw new VcfFormatException(name, number, "expected sample_id,linkage_id");
                }
                String type = fields.length > 2 && !fields[2].isBlank() ? fields[2].trim() : "BIOBANK_SAMPLE_ID";
                if (bySample.put(fields[0].trim(), new Linkage(type, fields[1].trim())) != null) {
                    throw new VcfFormatException(name, number, "the sample id appears twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample sheet " + name, e);
        }
        return new SampleSheet(bySample, false);
    }

    public Optional<Linkage> linkageOf(String sampleId) {
        if (identity) {
            return Optional.of(new Linkage("BIOBANK_SAMPLE_ID", sampleId));
        }
        return Optional.ofNullable(bySample.get(sampleId));
    }
}
