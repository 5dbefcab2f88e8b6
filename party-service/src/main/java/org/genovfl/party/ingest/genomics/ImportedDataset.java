package org.genovfl.party.ingest.genomics;

import java.util.UUID;

/** What an import put into the genotype store: counts only, no sample ids. */
public record ImportedDataset(UUID datasetId, String name, String format, int samples, long variants,
        long skippedSites, int linkedSamples, long genotypeCalls, long millis) {
}
