package org.genovfl.party.ingest.vcf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.genovfl.party.config.UploadLimits;
import org.genovfl.party.ingest.IngestDatabase;
import org.springframework.util.unit.DataSize;
import org.genovfl.party.ingest.TestData;
import org.genovfl.party.ingest.genomics.GenotypeStore;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.genomics.PackedDosages;
import htsjdk.variant.variantcontext.writer.Options;
import htsjdk.variant.variantcontext.writer.VariantContextWriter;
import htsjdk.variant.variantcontext.writer.VariantContextWriterBuilder;
import htsjdk.variant.vcf.VCFFileReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real 1000 Genomes genotypes of Debian's shapeit4-example (503 samples in two files,
 * chr20, 24,990 sites each) imported and checked against bcftools; broken files refused
 * with file and line, leaving the store as it was.
 */
class VcfImporterTest {

    @TempDir
    static Path directory;
    static IngestDatabase db;
    static VcfImporter importer;

    @BeforeAll
    static void start() {
        db = new IngestDatabase(directory);
        importer = new VcfImporter(db.transactions, new GenotypeStore(db.dataSource), db.patients, new org.genovfl.party.ingest.ImportProgress());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void shapeit4ExampleImportsWithBcftoolsAlleleFrequencies() throws Exception {
        int totalSamples = 0;
        // The 203 unphased samples go in as BCF 2.1 (what htsjdk reads and writes), the 300
        // reference samples as bgzipped VCF; bcftools computes on the VCF the BCF was written from.
        Path unphasedBcf = directory.resolve("unphased.bcf");
        writeBcf21(TestData.file("shapeit4-example/unphased.vcf.gz"), unphasedBcf);
        Path referenceVcf = TestData.file("shapeit4-example/reference.vcf.gz");
        Map<Path, Path> bcftoolsInput = Map.of(referenceVcf, referenceVcf,
                unphasedBcf, TestData.file("shapeit4-example/unphased.vcf.gz"));
        for (Path file : List.of(referenceVcf, unphasedBcf)) {
            String name = file.getFileName().toString();
            ImportedDataset imported = importer.importFile(file, name, SampleSheet.identity());
            List<String> bcftools = TestData.run("bash", "-c", "bcftools +fill-tags '" + bcftoolsInput.get(file) + "' -- -t AF,AC,AN"
                    + " | bcftools query -f '%CHROM\\t%POS\\t%REF\\t%ALT\\t%AF\\t%AC\\t%AN\\n'");
            List<String> samples = TestData.run("bcftools", "query", "-l", bcftoolsInput.get(file).toString());
            assertThat(imported.samples()).isEqualTo(samples.size());
            assertThat(imported.variants()).isEqualTo(24_990).isEqualTo(bcftools.size());
            totalSamples += imported.samples();

            List<String> ours = db.jdbc.sql("""
                    SELECT chrom, pos, ref, alt, alt_allele_freq FROM genotype_variant
                     WHERE dataset_id = ? ORDER BY variant_index""").param(imported.datasetId())
                    .query((rs, i) -> rs.getString(1) + "\t" + rs.getLong(2) + "\t" + rs.getString(3) + "\t"
                            + rs.getString(4) + "\t" + rs.getDouble(5)).list();
            for (int i = 0; i < ours.size(); i++) {
                String[] theirs = bcftools.get(i).split("\t");
                String[] mine = ours.get(i).split("\t");
                assertThat(mine[0] + mine[1] + mine[2] + mine[3]).as("site %d", i).isEqualTo(theirs[0] + theirs[1] + theirs[2] + theirs[3]);
                double af = Double.parseDouble(mine[4]);
                // Exactly AC/AN as bcftools counts them, and equal to its printed AF (6 significant digits).
                assertThat(af).as("AF of %s", bcftools.get(i)).isEqualTo(Double.parseDouble(theirs[5]) / Double.parseDouble(theirs[6]));
                assertThat(af).as("AF of %s", bcftools.get(i)).isCloseTo(Double.parseDouble(theirs[4]), org.assertj.core.data.Offset.offset(5e-6 * af + 1e-12));
            }
            assertThat(db.jdbc.sql("SELECT status FROM genotype_dataset WHERE id = ?").param(imported.datasetId())
                    .query(String.class).single()).isEqualTo("READY");
        }
        assertThat(totalSamples).isEqualTo(503);
    }

    @Test
    void progressIsReportedPerBatchWhileTheImportRuns() throws Exception {
        List<Long> seen = new ArrayList<>();
        org.genovfl.party.ingest.ImportProgress progress = new org.genovfl.party.ingest.ImportProgress() {
            @Override
            public void advanced(UUID dataset, long variantsSoFar) {
                super.advanced(dataset, variantsSoFar);
                seen.add(running().get(0).variantsSoFar());
            }
        };
        new VcfImporter(db.transactions, new GenotypeStore(db.dataSource), db.patients, progress)
                .importFile(TestData.file("shapeit4-example/scaffold.vcf.gz"), "progress", SampleSheet.identity());
        assertThat(seen).containsExactly(1000L, 2000L, 3000L);
        assertThat(progress.running()).isEmpty();
    }

    @Test
    void bcfVersion22IsRefusedWithTheReason() throws Exception {
        // Debian ships its BCF files gzipped once more; unwrapped they are BCF 2.2 from bcftools.
        Path bcf22 = directory.resolve("reference-2.2.bcf");
        try (var in = new GZIPInputStream(Files.newInputStream(TestData.file("shapeit4-example/reference.bcf.gz")))) {
            Files.copy(in, bcf22);
        }
        assertStoreUnchangedAfterRefusal(bcf22, 1, "BCF version 2.2 is not supported");
    }

    @Test
    void bcf21WrittenByHtsjdkImportsLikeTheVcfItWasWrittenFrom() {
        // scaffold.vcf.gz: 203 samples with missing calls, mixed phased and unphased.
        Path vcf = TestData.file("shapeit4-example/scaffold.vcf.gz");
        Path bcf = directory.resolve("scaffold-2.1.bcf");
        writeBcf21(vcf, bcf);
        ImportedDataset fromVcf = importer.importFile(vcf, "scaffold as VCF", SampleSheet.identity());
        ImportedDataset fromBcf = importer.importFile(bcf, "scaffold as BCF 2.1", SampleSheet.identity());
        assertThat(fromBcf.format()).isEqualTo("BCF");
        assertThat(fromBcf.samples()).isEqualTo(fromVcf.samples()).isEqualTo(203);
        assertThat(fromBcf.variants()).isEqualTo(fromVcf.variants()).isEqualTo(3008);
        assertThat(variantRows(fromBcf.datasetId())).isEqualTo(variantRows(fromVcf.datasetId()));
    }

    @Test
    void bcf22FromBcftoolsIsRefusedNamingTheFileTheReasonAndTheWorkaround() throws Exception {
        Path source = TestData.file("shapeit4-example/scaffold.vcf.gz");
        for (String[] output : new String[][] {{"-Ob", "scaffold.bcf"}, {"-Ou", "scaffold-uncompressed.bcf"}}) {
            Path bcf = directory.resolve(output[1]);
            TestData.run("bcftools", "view", output[0], "-o", bcf.toString(), source.toString());
            assertStoreUnchangedAfterRefusal(bcf, 1, "BCF version 2.2 is not supported");
            assertThatThrownBy(() -> importer.importFile(bcf, "bcf 2.2", SampleSheet.identity()))
                    .hasMessageContaining("htsjdk, which decodes BCF 2.1 only")
                    .hasMessageEndingWith("convert the file to VCF and import that: bcftools view -Oz -o "
                            + output[1].replace(".bcf", ".vcf.gz") + " " + output[1]);
        }
    }

    @Test
    void geneAnnotationsAreReadFromBcfAsFromVcf() throws Exception {
        Path vcf = directory.resolve("annotated.vcf");
        Files.writeString(vcf, org.genovfl.party.training.FeatureMatrixTest.handBuiltVcf(), StandardCharsets.UTF_8);
        Path bcf = directory.resolve("annotated.bcf");
        writeBcf21(vcf, bcf);
        ImportedDataset fromVcf = importer.importFile(vcf, "annotated VCF", SampleSheet.identity());
        ImportedDataset fromBcf = importer.importFile(bcf, "annotated BCF 2.1", SampleSheet.identity());
        List<String> genes = db.jdbc.sql("SELECT alt || ' ' || coalesce(gene, '-') FROM genotype_variant WHERE dataset_id = ?"
                + " ORDER BY variant_index").param(fromBcf.datasetId()).query(String.class).list();
        assertThat(genes).containsExactly("G GENEA", "T GENEB", "A GENEB", "C -", "T GENEE", "C GENED", "G GENEC", "T -");
        assertThat(variantRows(fromBcf.datasetId())).isEqualTo(variantRows(fromVcf.datasetId()));
    }

    /** Writes {@code vcf} as BCF 2.1, the version htsjdk writes (and reads). */
    private static void writeBcf21(Path vcf, Path bcf) {
        try (VCFFileReader reader = new VCFFileReader(vcf, false);
                VariantContextWriter writer = new VariantContextWriterBuilder().setOutputPath(bcf)
                        .setOutputFileType(VariantContextWriterBuilder.OutputType.BCF)
                        .unsetOption(Options.INDEX_ON_THE_FLY).build()) {
            writer.writeHeader(reader.getFileHeader());
            reader.forEach(writer::add);
        }
    }

    /** Every stored column of a dataset's variants, in order, dosages in hex. */
    private static List<String> variantRows(UUID dataset) {
        return db.jdbc.sql("""
                SELECT variant_index, chrom, pos, variant_id, ref, alt, alt_allele_freq, call_rate, hwe_p, encode(dosages, 'hex'), gene
                  FROM genotype_variant WHERE dataset_id = ? ORDER BY variant_index""").param(dataset)
                .query((rs, n) -> {
                    StringBuilder row = new StringBuilder();
                    for (int c = 1; c <= 11; c++) {
                        row.append(rs.getString(c)).append('\t');
                    }
                    return row.toString();
                }).list();
    }

    @Test
    void dosagesOfOneSiteMatchTheGenotypesOfTheFile() throws Exception {
        Path file = TestData.file("shapeit4-example/scaffold.vcf.gz");
        ImportedDataset imported = importer.importFile(file, "scaffold", SampleSheet.identity());
        String site = TestData.run("bash", "-c", "bcftools query -f '[%GT\\t]\\n' '" + file + "' | sed -n 100p").get(0);
        byte[] packed = db.jdbc.sql("SELECT dosages FROM genotype_variant WHERE dataset_id = ? AND variant_index = 99")
                .param(imported.datasetId()).query(byte[].class).single();
        String[] calls = site.split("\t");
        for (int s = 0; s < imported.samples(); s++) {
            int expected = calls[s].contains(".") ? 3 : (int) calls[s].chars().filter(c -> c == '1').count();
            assertThat(PackedDosages.get(packed, s)).as("sample %d (%s)", s, calls[s]).isEqualTo(expected);
        }
    }

    @Test
    void truncatedVcfFailsWithFileAndLineAndLeavesTheStoreAsBefore() throws Exception {
        List<String> lines = decompressedLines(TestData.file("shapeit4-example/scaffold.vcf.gz"));
        int headerLines = (int) lines.stream().filter(l -> l.startsWith("#")).count();
        // Cut the file in the middle of data line 50.
        List<String> kept = new ArrayList<>(lines.subList(0, headerLines + 49));
        String half = lines.get(headerLines + 49);
        kept.add(half.substring(0, half.length() / 2));
        Path truncated = directory.resolve("truncated.vcf");
        Files.writeString(truncated, String.join("\n", kept), StandardCharsets.UTF_8);

        assertStoreUnchangedAfterRefusal(truncated, headerLines + 50, "is the line truncated?");
    }

    @Test
    void truncatedBgzipFileFailsWithFileAndLine() throws Exception {
        Path source = TestData.file("shapeit4-example/scaffold.vcf.gz");
        byte[] bytes = Files.readAllBytes(source);
        Path truncated = directory.resolve("truncated.vcf.gz");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        long before = db.count("genotype_variant");
        assertThatThrownBy(() -> importer.importFile(truncated, "truncated", SampleSheet.identity()))
                .isInstanceOfSatisfying(VcfFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo("truncated.vcf.gz");
                    assertThat(e.line()).isGreaterThan(1);
                    assertThat(e.getMessage()).contains("truncated");
                });
        assertThat(db.count("genotype_variant")).isEqualTo(before);
    }

    @Test
    void badGenotypeFieldFailsWithFileAndLineAndLeavesTheStoreAsBefore() throws Exception {
        List<String> lines = decompressedLines(TestData.file("shapeit4-example/scaffold.vcf.gz"));
        int headerLines = (int) lines.stream().filter(l -> l.startsWith("#")).count();
        int target = headerLines + 2000; // 0-based index of the line to spoil
        String[] columns = lines.get(target).split("\t");
        columns[9 + 7] = "0/X";
        lines.set(target, String.join("\t", columns));
        Path bad = directory.resolve("bad-genotype.vcf");
        Files.writeString(bad, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

        assertStoreUnchangedAfterRefusal(bad, target + 1, "bad genotype '0/X' in sample column 8");
    }

    @Test
    void alleleIndexBeyondAltListIsRefused() throws Exception {
        Path bad = directory.resolve("bad-allele.vcf");
        Files.writeString(bad, """
                ##fileformat=VCFv4.2
                ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
                #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
                1\t100\trs1\tA\tG,T\t.\tPASS\t.\tGT\t0/1\t1/2
                1\t200\trs2\tC\tG\t.\tPASS\t.\tGT\t0/1\t0/2
                """);
        assertStoreUnchangedAfterRefusal(bad, 5, "names allele 2 but the site has 1 ALT allele(s)");
    }

    @Test
    void multiAllelicSitesAreSplitPerAlternateAllele() throws Exception {
        Path file = directory.resolve("multi.vcf");
        Files.writeString(file, """
                ##fileformat=VCFv4.2
                ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
                #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\tS4\tS5
                1\t100\trs1\tA\tG,T\t.\tPASS\t.\tGT:DP\t0/1:3\t1/2:4\t2|2:5\t./.:0\t1:2
                """);
        ImportedDataset imported = importer.importFile(file, "multi", SampleSheet.identity());
        assertThat(imported.variants()).isEqualTo(2);
        List<byte[]> rows = db.jdbc.sql("SELECT dosages FROM genotype_variant WHERE dataset_id = ? ORDER BY variant_index")
                .param(imported.datasetId()).query(byte[].class).list();
        int[][] expected = {{1, 1, 0, 3, 1}, {0, 1, 2, 3, 0}};
        for (int k = 0; k < 2; k++) {
            for (int s = 0; s < 5; s++) {
                assertThat(PackedDosages.get(rows.get(k), s)).as("alt %d sample %d", k, s).isEqualTo(expected[k][s]);
            }
        }
        List<Double> afs = db.jdbc.sql("SELECT alt_allele_freq FROM genotype_variant WHERE dataset_id = ? ORDER BY variant_index")
                .param(imported.datasetId()).query(Double.class).list();
        assertThat(afs).containsExactly(3.0 / 7, 3.0 / 7);
    }

    /** An importer of the test database with small limits: 4 KiB lines and headers, 3 samples, 64 KiB decompressed. */
    static VcfImporter smallLimits() {
        UploadLimits defaults = UploadLimits.defaults();
        return new VcfImporter(db.transactions, new GenotypeStore(db.dataSource), db.patients,
                new org.genovfl.party.ingest.ImportProgress(), new UploadLimits(defaults.maxRequestSize(),
                        defaults.maxDocumentSize(), defaults.maxBundleEntries(), DataSize.ofKilobytes(4), 3, DataSize.ofKilobytes(64)));
    }

    static final String TWO_SAMPLE_HEADER = """
            ##fileformat=VCFv4.2
            ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
            #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
            """;

    @Test
    void aLineLongerThanTheLimitStopsTheReadAsTooLarge() throws Exception {
        Path file = directory.resolve("long-line.vcf");
        Files.writeString(file, TWO_SAMPLE_HEADER + "1\t100\trs1\tA\tG\t.\tPASS\tX=" + "A".repeat(10_000)
                + "\tGT\t0/1\t1/1\n");
        assertStoreUnchangedAfterRefusal(smallLimits(), file, 4, "a line is longer than 4096 bytes", true);
    }

    @Test
    void aHeaderLongerThanTheLimitStopsTheReadAsTooLarge() throws Exception {
        Path file = directory.resolve("long-header.vcf");
        Files.writeString(file, "##fileformat=VCFv4.2\n" + "##comment=padding\n".repeat(1000) + TWO_SAMPLE_HEADER.lines()
                .skip(1).map(l -> l + "\n").reduce("", String::concat) + "1\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1\n");
        assertStoreUnchangedAfterRefusal(smallLimits(), file, 228, "the header is longer than 4096 bytes", true);
    }

    @Test
    void moreSamplesThanTheLimitAreRefusedBeforeAnyPatientIsCreated() throws Exception {
        Path file = directory.resolve("many-samples.vcf");
        Files.writeString(file, """
                ##fileformat=VCFv4.2
                ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
                #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\tS4
                1\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1\t0/0\t0/1
                """);
        assertStoreUnchangedAfterRefusal(smallLimits(), file, 3, "the file has 4 samples, more than the 3 allowed", false);
    }

    @Test
    void aGzipBombStopsAtTheDecompressedSizeLimit() throws Exception {
        Path file = directory.resolve("bomb.vcf.gz");
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(TWO_SAMPLE_HEADER.getBytes(StandardCharsets.UTF_8));
            byte[] line = "1\t100\trs1\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20_000; i++) {
                out.write(line);
            }
        }
        assertThat(Files.size(file)).isLessThan(16_384);
        long datasets = db.count("genotype_dataset");
        assertThatThrownBy(() -> smallLimits().importFile(file, "bomb", SampleSheet.identity()))
                .isInstanceOfSatisfying(VcfFormatException.class, e -> {
                    assertThat(e.tooLarge()).isTrue();
                    assertThat(e.reason()).contains("decompresses to more than 65536 bytes");
                });
        assertThat(db.count("genotype_dataset")).isEqualTo(datasets);
    }

    @Test
    void aSampleSheetThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
        Path sheet = directory.resolve("latin1-sheet.csv");
        Files.write(sheet, "sample_id,linkage_id\nS1,M\u00fcller-1\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> SampleSheet.read(sheet, 1 << 20)).isInstanceOfSatisfying(VcfFormatException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("the sample sheet is not UTF-8 text");
        });
    }

    private void assertStoreUnchangedAfterRefusal(Path file, long line, String reason) {
        assertStoreUnchangedAfterRefusal(importer, file, line, reason, false);
    }

    private void assertStoreUnchangedAfterRefusal(VcfImporter importer, Path file, long line, String reason, boolean tooLarge) {
        long datasets = db.count("genotype_dataset");
        long variants = db.count("genotype_variant");
        long samples = db.count("genotype_sample");
        long patients = db.count("patient");
        String name = "refused-" + UUID.randomUUID();
        assertThatThrownBy(() -> importer.importFile(file, name, SampleSheet.identity()))
                .isInstanceOfSatisfying(VcfFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.getFileName().toString());
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.getMessage()).startsWith(file.getFileName() + ":" + line + ": ").contains(reason);
                    assertThat(e.tooLarge()).isEqualTo(tooLarge);
                });
        assertThat(db.count("genotype_dataset")).isEqualTo(datasets);
        assertThat(db.count("genotype_variant")).isEqualTo(variants);
        assertThat(db.count("genotype_sample")).isEqualTo(samples);
        assertThat(db.count("patient")).isEqualTo(patients);
    }

    static List<String> decompressedLines(Path gz) throws IOException {
        try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
    }
}
