import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Locale;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.ingest.PatientStore;
import org.genovfl.party.ingest.genomics.GenotypeStore;
import org.genovfl.party.ingest.genomics.ImportedDataset;
import org.genovfl.party.ingest.vcf.SampleSheet;
import org.genovfl.party.ingest.vcf.VcfImporter;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * VCF import benchmark (not a test): imports each file given into a fresh embedded
 * PostgreSQL through the production VcfImporter and prints one JSON object per file:
 * wall time (best of two, after one warm-up import), genotype calls per second and the peak
 * heap used during the imports.
 *
 * <p>Usage: {@code java -Xmx128m -cp <party-service classpath> IngestBench <work-dir> <vcf>...}
 */
public class IngestBench {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        try (PartyDatabase db = PartyDatabase.embedded(work.resolve("pg"), 0)) {
            db.migrate();
            VcfImporter importer = new VcfImporter(new DataSourceTransactionManager(db.dataSource()),
                    new GenotypeStore(db.dataSource()), new PatientStore(db.dataSource()), new org.genovfl.party.ingest.ImportProgress());
            // Warm-up (JIT, connection, PostgreSQL caches): one untimed import of the first file.
            importer.importFile(Path.of(args[1]), "warm-up", SampleSheet.identity());
            for (int i = 1; i < args.length; i++) {
                Path file = Path.of(args[i]);
                double seconds = Double.MAX_VALUE;
                ImportedDataset imported = null;
                resetPeaks();
                for (int run = 0; run < 2; run++) { // best of two: the machine is shared
                    System.gc();
                    long started = System.nanoTime();
                    imported = importer.importFile(file, file.getFileName().toString(), SampleSheet.identity());
                    seconds = Math.min(seconds, (System.nanoTime() - started) / 1e9);
                }
                long calls = (long) imported.samples() * imported.variants();
                System.out.printf(Locale.ROOT,
                        "{\"file\": \"%s\", \"samples\": %d, \"variants\": %d, \"genotypeCalls\": %d, \"seconds\": %.3f,"
                                + " \"callsPerSecond\": %.0f, \"peakHeapMiB\": %.1f, \"maxHeapMiB\": %.0f}%n",
                        file.getFileName(), imported.samples(), imported.variants(), calls, seconds, calls / seconds,
                        peakHeap() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
            }
        }
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peaks since the last reset: an upper bound of the live heap. */
    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
