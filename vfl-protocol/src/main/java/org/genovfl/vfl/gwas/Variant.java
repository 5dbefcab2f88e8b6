package org.genovfl.vfl.gwas;

import java.util.Objects;

/** A biallelic site as the summary statistics name it; the tested (counted) allele is {@code alt}. */
public record Variant(String chromosome, long position, String id, String ref, String alt) {
    public Variant {
        Objects.requireNonNull(chromosome, "chromosome");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(alt, "alt");
    }
}
