import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 * wall time (best of three, after one warm-up import), the CPU time of that import (this JVM
 * plus the PostgreSQL server's processes, from /proc: on a shared machine CPU time is the
 * steadier figure), genotype calls per second and the peak heap used during the imports.
 *
 * <p>Usage: {@code java -Xmx128m -cp <party-service classpath> IngestBench <work-dir> <vcf>...}
 */
public class IngestBench {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        try (PartyDatabase db = PartyDatabase.embedded(work.resolve("pg"), 0)) {
            db.migrate();
            VcfImporter importer = new VcfImporter(new DataSourceTransactionManager(db.dataSource()),
                    new GenotypeStore(db.dataSource()), new PatientStore(db.dataSource()), new org.genovfl.party.ingest.ImportProgress());
            // Warm-up (JIT, connection, PostgreSQL caches): one untimed import of the first file.
            importer.importFile(Path.of(args[1]), "warm-up", SampleSheet.identity());
            for (int i = 1; i < args.length; i++) {
                Path file = Path.of(args[i]);
                double seconds = Double.MAX_VALUE;
                double jvmCpu = 0;
                double postgresCpu = 0;
                ImportedDataset imported = null;
                resetPeaks();
                for (int run = 0; run < 3; run++) { // best of three: the machine is shared
                    System.gc();
                    double jvmBefore = jvmCpuSeconds();
                    double postgresBefore = postgresCpuSeconds(work);
                    long started = System.nanoTime();
                    imported = importer.importFile(file, file.getFileName().toString(), SampleSheet.identity());
                    double wall = (System.nanoTime() - started) / 1e9;
                    if (wall < seconds) {
                        seconds = wall;
                        jvmCpu = jvmCpuSeconds() - jvmBefore;
                        postgresCpu = postgresCpuSeconds(work) - postgresBefore;
                    }
                }
                long calls = (long) imported.samples() * imported.variants();
                System.out.printf(Locale.ROOT,
                        "{\"file\": \"%s\", \"samples\": %d, \"variants\": %d, \"genotypeCalls\": %d, \"seconds\": %.3f,"
                                + " \"jvmCpuSeconds\": %.2f, \"postgresCpuSeconds\": %.2f,"
                                + " \"callsPerSecond\": %.0f, \"peakHeapMiB\": %.1f, \"maxHeapMiB\": %.0f}%n",
                        file.getFileName(), imported.samples(), imported.variants(), calls, seconds, jvmCpu, postgresCpu,
                        calls / seconds, peakHeap() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
            }
        }
    }

    static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /**
     * CPU seconds of the embedded PostgreSQL started under {@code work}: its postmaster (with
     * the children it has reaped) and its live children, as /proc counts them.
     */
    static double postgresCpuSeconds(Path work) throws IOException {
        Map<Integer, Integer> parentOf = new HashMap<>();
        Map<Integer, long[]> ticks = new HashMap<>();
        Integer postmaster = null;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
                    int pid = Integer.parseInt(process.getFileName().toString());
                    parentOf.put(pid, Integer.parseInt(fields[1]));
                    ticks.put(pid, new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                        Long.parseLong(fields[13]) + Long.parseLong(fields[14])});
                    String command = new String(Files.readAllBytes(process.resolve("cmdline"))).replace('\0', ' ');
                    if (command.contains("postgres") && command.contains(" -D ") && command.contains(work.toString())) {
                        postmaster = pid;
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while being read
                }
            }
        }
        if (postmaster == null) {
            throw new IllegalStateException("no PostgreSQL server found under " + work);
        }
        long total = ticks.get(postmaster)[0] + ticks.get(postmaster)[1];
        for (Map.Entry<Integer, long[]> process : ticks.entrySet()) {
            if (postmaster.equals(parentOf.get(process.getKey()))) {
                total += process.getValue()[0];
            }
        }
        return total / 100.0; // USER_HZ
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
