package org.genovfl.party.ingest.vcf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.genovfl.party.ingest.ImportProgress;
import org.genovfl.party.ingest.PatientStore;
import org.genovfl.party.ingest.genomics.GenotypeStore;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.genovfl.party.config.UploadLimits;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports a VCF or BCF file into the genotype store in one database transaction: either the
 * whole dataset is READY afterwards, or (on any error) nothing of it exists. Variants are
 * streamed from the file and written in batches ({@link GenotypeStore#isFullBatch}), each
 * parsed on another thread while the one before is written.
 *
 * <pre>{@code
 * ImportedDataset imported = importer.importFile(Path.of("cohort.vcf.gz"), "cohort 2026-11",
 *         SampleSheet.read(Path.of("samples.csv")));
 * }</pre>
 */
@Service
public class VcfImporter {

    private static final Logger log = LoggerFactory.getLogger(VcfImporter.class);
    private static final long PROGRESS_EVERY = 100_000;

    private final TransactionTemplate transaction;
    private final GenotypeStore store;
    private final PatientStore patients;
    private final ImportProgress progress;
    private final UploadLimits limits;

    /** An importer with the default {@link UploadLimits}. */
    public VcfImporter(PlatformTransactionManager transactions, GenotypeStore store, PatientStore patients,
            ImportProgress progress) {
        this(transactions, store, patients, progress, UploadLimits.defaults());
    }

    @Autowired
    public VcfImporter(PlatformTransactionManager transactions, GenotypeStore store, PatientStore patients,
            ImportProgress progress, UploadLimits limits) {
        this.transaction = new TransactionTemplate(transactions);
        this.store = store;
        this.patients = patients;
        this.progress = progress;
        this.limits = limits;
    }

    /** The limits this importer reads files within. */
    public UploadLimits limits() {
        return limits;
    }

    /**
     * @param name a display name for the dataset (not personal data)
     * @param sheet maps every sample id of the file to a linkage identifier
     * @throws VcfFormatException with file and line if the file is malformed or truncated, or
     *     a sample has no entry in the sample sheet; the store is left as it was
     */
    public ImportedDataset importFile(Path file, String name, SampleSheet sheet) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sheet, "sheet");
        long started = System.nanoTime();
        String sha256 = sha256(file);
        UUID[] running = new UUID[1];
        try (VcfDosageReader reader = VcfDosageReader.open(file, limits)) {
            ImportedDataset imported = transaction.execute(status -> {
                UUID dataset = store.createDataset(name, sha256, reader.format(), reader.referenceAssembly());
                List<String> samples = reader.sampleNames();
                running[0] = dataset;
                progress.started(dataset, name, reader.format(), samples.size());
                List<String> idTypes = new ArrayList<>(samples.size());
                List<String> idValues = new ArrayList<>(samples.size());
                for (int i = 0; i < samples.size(); i++) {
                    int column = i + 1;
                    SampleSheet.Linkage linkage = sheet.linkageOf(samples.get(i)).orElseThrow(() -> new VcfFormatException(
                            file.getFileName().toString(), 0, "sample column " + column + " has no entry in the sample sheet"));
                    idTypes.add(linkage.idType());
                    idValues.add(linkage.value());
                }
                List<Long> patientIds = patients.findOrCreateAllByLinkage(idTypes, idValues, "LAB");
                store.addSamples(dataset, samples, patientIds);
                GenotypeStore.VariantWriter writer = store.variantWriter(dataset);
                VcfDosageReader.Summary summary = writeAll(reader, writer, dataset);
                store.complete(dataset, samples.size(), summary.rows());
                long millis = (System.nanoTime() - started) / 1_000_000;
                return new ImportedDataset(dataset, name, reader.format(), samples.size(), summary.rows(),
                        summary.skippedSites(), samples.size(), summary.rows() * samples.size(), millis);
            });
            log.info("Imported genotype dataset {} ({}): {} samples x {} variants in {} ms", imported.datasetId(),
                    imported.format(), imported.samples(), imported.variants(), imported.millis());
            return imported;
        } catch (VcfFormatException e) {
            // File and line only: the reason may quote the file's content.
            log.warn("Refused VCF import: {} line {}", e.file(), e.line());
            throw e;
        } finally {
            if (running[0] != null) {
                progress.finished(running[0]);
            }
        }
    }

    /** Writes every row while the next batch is parsed on another thread ({@link BackgroundParse}). */
    private VcfDosageReader.Summary writeAll(VcfDosageReader reader, GenotypeStore.VariantWriter writer, UUID dataset) {
        try (BackgroundParse parse = BackgroundParse.start(reader)) {
            long logged = 0;
            while (true) {
                BackgroundParse.Batch batch = parse.next();
                batch.rows().forEach(writer);
                if (batch.summary() != null) {
                    writer.flush();
                    return batch.summary();
                }
                progress.advanced(dataset, writer.count());
                if (writer.count() / PROGRESS_EVERY > logged) {
                    logged = writer.count() / PROGRESS_EVERY;
                    log.info("Importing genotype dataset {}: {} variants so far", dataset, writer.count());
                }
            }
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.getFileName(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
