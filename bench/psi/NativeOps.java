/*
 * The PSI group operations alone (no network, no database), through the Java API of
 * he-native: process CPU time and wall time per element. Run by bench/psi/native-ops.sh.
 */
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.genovfl.he.ristretto.BlindingKey;
import org.genovfl.he.ristretto.Ristretto255;

public class NativeOps {

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int chunk = 16_384;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<byte[]> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(String.format("BB-%08d", i).getBytes(StandardCharsets.UTF_8));
        }
        byte[] tag = "GenoVFL-PSI-bench".getBytes(StandardCharsets.UTF_8);
        try (BlindingKey key = BlindingKey.generate()) {
            for (int round = 0; round < 2; round++) { // the first round warms up
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                byte[] singles = new byte[n * 32];
                for (int off = 0; off < n; off += chunk) {
                    byte[] c = key.hashToGroupAndBlind(tag, ids.subList(off, Math.min(n, off + chunk)));
                    System.arraycopy(c, 0, singles, off * 32, c.length);
                }
                long cpu1 = os.getProcessCpuTime();
                long wall1 = System.nanoTime();
                byte[] doubles = new byte[n * 32];
                for (int off = 0; off < n; off += chunk) {
                    byte[] c = key.blind(Arrays.copyOfRange(singles, off * 32, Math.min(n, off + chunk) * 32));
                    System.arraycopy(c, 0, doubles, off * 32, c.length);
                }
                long cpu2 = os.getProcessCpuTime();
                long wall2 = System.nanoTime();
                Ristretto255.intersect(singles, doubles);
                long cpu3 = os.getProcessCpuTime();
                long wall3 = System.nanoTime();
                if (round == 1) {
                    System.out.printf("{\"n\": %d, \"threads\": %d, \"nativeVariant\": \"%s\", \"hashAndBlindCpuMicrosPerElement\": %.1f, "
                            + "\"hashAndBlindWallMicrosPerElement\": %.1f, \"blindCpuMicrosPerElement\": %.1f, "
                            + "\"blindWallMicrosPerElement\": %.1f, \"intersectWallMillis\": %.0f, \"intersectCpuMillis\": %.0f}%n",
                            n, Runtime.getRuntime().availableProcessors(), org.genovfl.he.NativeLibrary.variant(),
                            (cpu1 - cpu0) / 1e3 / n, (wall1 - wall0) / 1e3 / n,
                            (cpu2 - cpu1) / 1e3 / n, (wall2 - wall1) / 1e3 / n,
                            (wall3 - wall2) / 1e6, (cpu3 - cpu2) / 1e6);
                }
            }
        }
    }
}
