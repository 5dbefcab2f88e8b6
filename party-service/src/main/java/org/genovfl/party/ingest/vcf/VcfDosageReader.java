package org.genovfl.party.ingest.vcf;

import htsjdk.samtools.util.BlockCompressedInputStream;
import htsjdk.samtools.util.IOUtil;
import htsjdk.tribble.TribbleException;
import htsjdk.tribble.readers.LineIteratorImpl;
import htsjdk.tribble.readers.SynchronousLineReader;
import htsjdk.variant.variantcontext.Allele;
import htsjdk.variant.variantcontext.Genotype;
import htsjdk.variant.variantcontext.VariantContext;
import htsjdk.variant.vcf.VCFCodec;
import htsjdk.variant.vcf.VCFContigHeaderLine;
import htsjdk.variant.bcf2.BCF2Codec;
import htsjdk.tribble.readers.PositionalBufferedStream;
import htsjdk.variant.vcf.VCFHeader;
import htsjdk.variant.vcf.VCFHeaderLine;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.genovfl.party.config.UploadLimits;
import org.genovfl.party.ingest.genomics.DosageAccumulator;
import org.genovfl.party.ingest.genomics.DosageRow;
import org.genovfl.party.ingest.genomics.PackedDosages;

/**
 * Streams a VCF (plain, gzip or bgzip) or BCF file as {@link DosageRow}s, one record at a
 * time, so memory depends on the number of samples, never on the number of variants.
 *
 * <p>The header is parsed and checked by htsjdk's {@link VCFCodec}; BCF records are decoded
 * by htsjdk's {@link BCF2Codec}, which reads BCF 2.1 only (BCF 2.2, as current bcftools
 * writes it, is refused with that reason). VCF data lines are read by {@link SiteParser}, which
 * parses the bytes in place and looks at the site columns, GT and the gene annotations only,
 * because decoding every genotype into htsjdk objects is several times slower and an import
 * needs nothing else; it refuses anything it does not understand, with file and line.
 *
 * <p>Rules, applied the same way in both paths:
 * <ul>
 *   <li>Dosage is the number of copies of the alternate allele: 0, 1 or 2 for diploid
 *       calls, 0 or 1 for haploid ones; a call with any missing allele ({@code ./.},
 *       {@code 0/.}) is missing ({@link PackedDosages#MISSING}).
 *   <li>Multi-allelic sites are split: ALT {@code A,C} gives one row for A and one for C;
 *       in each row an allele other than that row's alternate counts as not-alternate
 *       (as {@code bcftools norm -m-} does). AC/AN per row equal bcftools' per-allele AF.
 *   <li>Each row carries the gene its INFO annotations name for its ALT ({@link GeneAnnotations}:
 *       GENE, SnpEff ANN, VEP CSQ, dbSNP GENEINFO), or none.
 *   <li>Sites without an alternate allele (ALT {@code .}) carry no dosage and are skipped
 *       (counted in {@link Summary#skippedSites()}).
 *   <li>Ploidy above 2, an allele index beyond the ALT list, a non-numeric allele, a
 *       missing GT key, a wrong number of sample columns or an unparsable position stop
 *       the read with a {@link VcfFormatException}.
 * </ul>
 */
public final class VcfDosageReader implements AutoCloseable {

    /** What was read. */
    public record Summary(long records, long rows, long skippedSites) {
    }

    private final String fileName;
    private final VCFHeader header;
    private final boolean bcf;
    private final LineReader text;
    private final GeneAnnotations genes;
    private final BCF2Codec bcfCodec;
    private final PositionalBufferedStream bcfStream;
    private long line;

    private VcfDosageReader(Path file, VCFHeader header, LineReader text, long headerLines) {
        this(file, header, false, text, null, null, headerLines);
    }

    private VcfDosageReader(Path file, VCFHeader header, BCF2Codec codec, PositionalBufferedStream stream, long headerLines) {
        this(file, header, true, null, codec, stream, headerLines);
    }

    private VcfDosageReader(Path file, VCFHeader header, boolean bcf, LineReader text, BCF2Codec bcfCodec,
            PositionalBufferedStream bcfStream, long headerLines) {
        this.fileName = file.getFileName().toString();
        this.header = header;
        this.bcf = bcf;
        this.text = text;
        this.bcfCodec = bcfCodec;
        this.bcfStream = bcfStream;
        this.genes = GeneAnnotations.of(header);
        this.line = headerLines;
    }

    /**
     * Opens {@code file} and reads its header.
     *
     * @throws VcfFormatException if the file is not VCF/BCF, its header is malformed, or a
     *     bgzipped file lacks its end-of-file marker (it was truncated)
     */
    public static VcfDosageReader open(Path file) {
        return open(file, UploadLimits.defaults());
    }

    /**
     * Opens {@code file} and reads its header, within {@code limits}: the line length (and the
     * header's total size), the number of samples and the decompressed size.
     *
     * @throws VcfFormatException as {@link #open(Path)}, and when a limit is exceeded
     */
    public static VcfDosageReader open(Path file, UploadLimits limits) {
        Objects.requireNonNull(file, "file");
        String name = file.getFileName().toString();
        long maxDecompressed = limits.maxVcfDecompressedSize().toBytes();
        int maxLine = (int) Math.min(Integer.MAX_VALUE - (1 << 18), limits.maxVcfLineSize().toBytes());
        try {
            boolean blockCompressed = IOUtil.isBlockCompressed(file);
            if (blockCompressed) {
                BlockCompressedInputStream.FileTermination termination = BlockCompressedInputStream.checkTermination(file);
                if (termination != BlockCompressedInputStream.FileTermination.HAS_TERMINATOR_BLOCK) {
                    // Locate the damage for the message: read as far as the file allows.
                    throw new VcfFormatException(name, countReadableLines(file) + 1,
                            "the file is truncated: no BGZF end-of-file block (" + termination + ")");
                }
            }
            if (isBcf(file, blockCompressed)) {
                requireBcfVersion21(file, name, blockCompressed);
                BCF2Codec codec = new BCF2Codec();
                PositionalBufferedStream stream = new PositionalBufferedStream(
                        InputLimitExceeded.capped(decompressed(file, blockCompressed), maxDecompressed));
                VCFHeader header = (VCFHeader) codec.readHeader(stream).getHeaderValue();
                requireSampleCount(name, header, header.getMetaDataInInputOrder().size() + 1L, limits.maxVcfSamples());
                return new VcfDosageReader(file, header, codec, stream, header.getMetaDataInInputOrder().size() + 1L);
            }
            LineReader text = new LineReader(InputLimitExceeded.capped(decompressed(file, blockCompressed), maxDecompressed),
                    maxLine);
            List<String> headerLines = new ArrayList<>();
            long headerBytes = 0;
            while (text.next()) {
                String next = text.text();
                headerBytes += text.end() - text.start() + 1;
                if (headerBytes > maxLine) {
                    text.close();
                    throw VcfFormatException.tooLarge(name, headerLines.size() + 1L, new InputLimitExceeded(
                            "the header is longer than " + maxLine + " bytes (genovfl.limits.max-vcf-line-size)"));
                }
                headerLines.add(next);
                if (!next.startsWith("##")) {
                    break;
                }
            }
            if (headerLines.isEmpty() || !headerLines.get(headerLines.size() - 1).startsWith("#CHROM")) {
                text.close();
                throw new VcfFormatException(name, headerLines.size() + 1L, "no #CHROM header line: not a VCF file");
            }
            VCFHeader header;
            try {
                header = (VCFHeader) new VCFCodec().readActualHeader(new LineIteratorImpl(
                        new SynchronousLineReader(new ByteArrayInputStream(
                                String.join("\n", headerLines).concat("\n").getBytes(StandardCharsets.UTF_8)))));
            } catch (TribbleException e) {
                text.close();
                throw new VcfFormatException(name, headerLines.size(), "malformed header: " + e.getMessage(), e);
            }
            if (header.getNGenotypeSamples() == 0) {
                text.close();
                throw new VcfFormatException(name, headerLines.size(), "the header names no samples: nothing to import");
            }
            try {
                requireSampleCount(name, header, headerLines.size(), limits.maxVcfSamples());
            } catch (VcfFormatException e) {
                text.close();
                throw e;
            }
            return new VcfDosageReader(file, header, text, headerLines.size());
        } catch (InputLimitExceeded e) {
            throw VcfFormatException.tooLarge(name, 0, e);
        } catch (IOException e) {
            throw new VcfFormatException(name, 0, "cannot read: " + e.getMessage(), e);
        } catch (TribbleException e) {
            throw new VcfFormatException(name, 0, "malformed header: " + e.getMessage(), e);
        }
    }

    private static void requireSampleCount(String name, VCFHeader header, long line, int maxSamples) {
        if (header.getNGenotypeSamples() > maxSamples) {
            throw new VcfFormatException(name, line, "the file has " + header.getNGenotypeSamples()
                    + " samples, more than the " + maxSamples + " allowed (genovfl.limits.max-vcf-samples)");
        }
    }

    public List<String> sampleNames() {
        return header.getGenotypeSamples();
    }

    /** VCF or BCF. */
    public String format() {
        return bcf ? "BCF" : "VCF";
    }

    /**
     * The reference assembly the header names ({@code ##reference} or a contig's
     * {@code assembly=}), normalised to GRCh37/GRCh38 where recognisable; null if absent.
     */
    public String referenceAssembly() {
        String named = null;
        for (VCFContigHeaderLine contig : header.getContigLines()) {
            if (contig.getGenericFields().get("assembly") != null) {
                named = contig.getGenericFields().get("assembly");
                break;
            }
        }
        if (named == null) {
            VCFHeaderLine reference = header.getOtherHeaderLine("reference");
            named = reference == null ? null : reference.getValue();
        }
        return named == null ? null : normaliseAssembly(named);
    }

    static String normaliseAssembly(String named) {
        String lower = named.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("38")) {
            return "GRCh38";
        }
        if (lower.contains("37") || lower.contains("hg19") || lower.contains("hs37")) {
            return "GRCh37";
        }
        return named;
    }

    /**
     * Reads every record and hands its rows to {@code rows} in file order.
     *
     * @throws VcfFormatException at the first malformed record; rows already handed over
     *     must be discarded by the caller (the importer rolls its transaction back)
     */
    public Summary read(Consumer<DosageRow> rows) {
        return bcf ? readBcf(rows) : readText(rows);
    }

    private Summary readText(Consumer<DosageRow> rows) {
        int samples = header.getNGenotypeSamples();
        long records = 0;
        long emitted = 0;
        long skipped = 0;
        SiteParser parser = new SiteParser(samples, genes);
        while (true) {
            try {
                if (!text.next()) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                InputLimitExceeded limit = InputLimitExceeded.in(e);
                if (limit != null) {
                    throw VcfFormatException.tooLarge(fileName, line + 1, limit);
                }
                throw new VcfFormatException(fileName, line + 1, "the file ends unexpectedly or is corrupt: " + e.getMessage(), e);
            }
            line++;
            if (text.end() == text.start()) {
                continue;
            }
            try {
                List<DosageRow> parsed = parser.parse(text.buffer(), text.start(), text.end());
                records++;
                if (parsed.isEmpty()) {
                    skipped++;
                }
                for (DosageRow row : parsed) {
                    rows.accept(row);
                    emitted++;
                }
            } catch (SiteParser.MalformedRecord e) {
                throw new VcfFormatException(fileName, line, e.getMessage());
            }
        }
        return new Summary(records, emitted, skipped);
    }

    private Summary readBcf(Consumer<DosageRow> rows) {
        int samples = header.getNGenotypeSamples();
        long records = 0;
        long emitted = 0;
        long skipped = 0;
        while (true) {
            VariantContext context;
            try {
                if (bcfCodec.isDone(bcfStream)) {
                    break;
                }
                context = bcfCodec.decode(bcfStream);
                line++;
                records++;
                List<Allele> alternates = context.getAlternateAlleles();
                if (alternates.isEmpty()) {
                    skipped++;
                    continue;
                }
                DosageAccumulator[] perAlt = new DosageAccumulator[alternates.size()];
                for (int k = 0; k < perAlt.length; k++) {
                    perAlt[k] = new DosageAccumulator(samples);
                }
                for (int s = 0; s < samples; s++) {
                    Genotype genotype = context.getGenotype(s);
                    List<Allele> alleles = genotype.getAlleles();
                    if (alleles.size() > 2) {
                        throw new SiteParser.MalformedRecord("ploidy " + alleles.size() + " in sample column " + (s + 1)
                                + ": only haploid and diploid calls are supported");
                    }
                    int[] indices = new int[alleles.size()];
                    for (int a = 0; a < indices.length; a++) {
                        Allele allele = alleles.get(a);
                        indices[a] = allele.isNoCall() ? -1 : context.getAlleleIndex(allele);
                    }
                    for (int k = 0; k < perAlt.length; k++) {
                        perAlt[k].add(s, indices, k + 1);
                    }
                }
                String[] alts = alternates.stream().map(Allele::getDisplayString).toArray(String[]::new);
                String[] altGenes = genes.present() ? genes.genes(key -> attributeText(context, key), alts) : new String[alts.length];
                for (int k = 0; k < perAlt.length; k++) {
                    rows.accept(perAlt[k].row(context.getContig(), context.getStart(),
                            context.hasID() ? context.getID() : null, context.getReference().getDisplayString(), alts[k])
                            .withGene(altGenes[k]));
                    emitted++;
                }
            } catch (SiteParser.MalformedRecord e) {
                throw new VcfFormatException(fileName, line, e.getMessage());
            } catch (TribbleException | htsjdk.samtools.util.RuntimeIOException | IllegalStateException
                    | IndexOutOfBoundsException e) {
                InputLimitExceeded limit = InputLimitExceeded.in(e);
                if (limit != null) {
                    throw VcfFormatException.tooLarge(fileName, line + 1, limit);
                }
                throw new VcfFormatException(fileName, line + 1, "malformed or truncated BCF record: " + e.getMessage(), e);
            }
        }
        return new Summary(records, emitted, skipped);
    }

    @Override
    public void close() {
        try {
            if (text != null) {
                text.close();
            }
            if (bcfStream != null) {
                bcfStream.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An INFO value as VCF text (htsjdk gives lists for multi-valued keys), or null. */
    private static String attributeText(VariantContext context, String key) {
        Object value = context.getAttribute(key);
        if (value instanceof List<?> values) {
            return values.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        }
        return value == null ? null : value.toString();
    }

    private static boolean isBcf(Path file, boolean blockCompressed) throws IOException {
        try (InputStream in = decompressed(file, blockCompressed)) {
            byte[] magic = in.readNBytes(3);
            return magic.length == 3 && magic[0] == 'B' && magic[1] == 'C' && magic[2] == 'F';
        }
    }

    /** htsjdk decodes BCF 2.1 only; bcftools has written BCF 2.2 since 1.x, so say what to do. */
    private static void requireBcfVersion21(Path file, String name, boolean blockCompressed) throws IOException {
        try (InputStream in = decompressed(file, blockCompressed)) {
            byte[] magic = in.readNBytes(5);
            if (magic[3] != 2 || magic[4] != 1) {
                throw new VcfFormatException(name, 1, "BCF version " + magic[3] + "." + magic[4]
                        + " is not supported: GenoVFL reads BCF through htsjdk, which decodes BCF 2.1 only (current bcftools"
                        + " writes 2.2); convert the file to VCF and import that: bcftools view -Oz -o " + vcfName(name) + " " + name);
            }
        }
    }

    /** The name to suggest for the VCF converted from BCF file {@code name}. */
    private static String vcfName(String name) {
        String stem = name.replaceFirst("\\.bcf(\\.gz)?$", "");
        return (stem.equals(name) ? name + ".converted" : stem) + ".vcf.gz";
    }

    private static InputStream decompressed(Path file, boolean blockCompressed) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (blockCompressed) {
            return new BlockCompressedInputStream(raw, false);
        }
        raw.mark(2);
        int first = raw.read();
        int second = raw.read();
        raw.reset();
        if (first == 0x1f && second == 0x8b) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        return raw;
    }

    private static long countReadableLines(Path file) {
        long lines = 0;
        try (InputStream in = new BlockCompressedInputStream(new BufferedInputStream(Files.newInputStream(file)), false)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Reading stops at the damage; the lines counted so far are intact.
        }
        return lines;
    }
}
