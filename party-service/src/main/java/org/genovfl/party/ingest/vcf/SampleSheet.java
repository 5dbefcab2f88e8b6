package org.genovfl.party.ingest.vcf;

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

    private static final int MAX_LINE_BYTES = 64 * 1024;
    private static final String HEADER_EXPECTED = "the sample sheet must start with the header sample_id,linkage_id[,id_type]";

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
     * @throws VcfFormatException naming the sheet and line if a line is malformed or a sample
     *     repeats, if the sheet is not UTF-8 text, or if it is larger than {@code maxBytes}
     */
    public static SampleSheet read(Path file, long maxBytes) {
        String name = file.getFileName().toString();
        try {
            if (Files.size(file) > maxBytes) {
                throw VcfFormatException.tooLarge(name, 0, new InputLimitExceeded("the sample sheet is larger than "
                        + maxBytes + " bytes (1 KiB per sample of genovfl.limits.max-vcf-samples)"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample sheet " + name, e);
        }
        Map<String, Linkage> bySample = new HashMap<>();
        long number = 0;
        // Line by line as bytes, each decoded strictly, so a byte that is not UTF-8 is found on its line.
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try (LineReader reader = new LineReader(Files.newInputStream(file), MAX_LINE_BYTES)) {
            while (reader.next()) {
                number++;
                String line = utf8.decode(java.nio.ByteBuffer.wrap(reader.buffer(), reader.start(),
                        reader.end() - reader.start())).toString();
                if (number == 1) {
                    if (!line.replace('\t', ',').toLowerCase(java.util.Locale.ROOT).startsWith("sample_id,linkage_id")) {
                        throw new VcfFormatException(name, 1, HEADER_EXPECTED);
                    }
                    continue;
                }
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
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new VcfFormatException(name, number, "the sample sheet is not UTF-8 text");
        } catch (InputLimitExceeded e) {
            throw VcfFormatException.tooLarge(name, number + 1, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample sheet " + name, e);
        }
        if (number == 0) {
            throw new VcfFormatException(name, 1, HEADER_EXPECTED);
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
