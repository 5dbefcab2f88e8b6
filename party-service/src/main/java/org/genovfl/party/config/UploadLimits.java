package org.genovfl.party.config;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Caps on what a request may make the service read or hold, so that neither a careless
 * upload nor a hostile one can exhaust memory or fill the database (docs/ingest.md, Limits).
 * Over a size cap the answer is 413, over a count cap 422; nothing is stored either way.
 *
 * @param maxRequestSize body of any {@code /api/**} request that is not an import (JSON commands)
 * @param maxDocumentSize body of a FHIR bundle, clinical CSV or Genomics Reporting import,
 *     which is parsed in memory: about ten times this size at most per import
 * @param maxBundleEntries entries of one FHIR bundle
 * @param maxVcfLineSize one line of a VCF, and its whole header; the line buffer grows to
 *     the longest line, so this bounds an import's buffer (a line is about 4 bytes per sample)
 * @param maxVcfSamples sample columns of one VCF/BCF (each becomes a patient if unknown)
 * @param maxVcfDecompressedSize bytes a VCF/BCF may decompress to (a gzip/BGZF bomb stops here)
 */
@Validated
@ConfigurationProperties("genovfl.limits")
public record UploadLimits(
        @DefaultValue("1MB") DataSize maxRequestSize,
        @DefaultValue("64MB") DataSize maxDocumentSize,
        @DefaultValue("100000") @Positive int maxBundleEntries,
        @DefaultValue("64MB") DataSize maxVcfLineSize,
        @DefaultValue("500000") @Positive int maxVcfSamples,
        @DefaultValue("1TB") DataSize maxVcfDecompressedSize) {

    /** The defaults, for code that runs without Spring (tests, benchmarks). */
    public static UploadLimits defaults() {
        return new UploadLimits(DataSize.ofMegabytes(1), DataSize.ofMegabytes(64), 100_000, DataSize.ofMegabytes(64),
                500_000, DataSize.ofTerabytes(1));
    }
}
