package org.genovfl.audit.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Fabric network that {@code fabric-audit/network/fabric.sh} runs on this machine: its
 * directory (crypto, ledgers, pid files, connection files) and the script, to connect as an
 * organisation or to stop and start one of its processes. The tests against the running
 * network use it; it is not how a party in production finds its peer (that is
 * {@code genovfl.audit.fabric.connection}).
 *
 * @param directory the network's directory ({@code .genovfl/fabric} unless {@code GENOVFL_FABRIC_DIR})
 * @param script {@code fabric-audit/network/fabric.sh}
 */
public record LocalFabricNetwork(Path directory, Path script) {

    /** The system property naming the directory; {@code ./genovfl test} passes it to every IT. */
    public static final String DIRECTORY_PROPERTY = "genovfl.fabric.dir";

    /**
     * The network named by {@link #DIRECTORY_PROPERTY}.
     *
     * @throws IllegalStateException if the property is unset or the network was never brought up
     */
    public static LocalFabricNetwork fromSystemProperty(Path script) {
        String directory = System.getProperty(DIRECTORY_PROPERTY);
        if (directory == null || directory.isBlank()) {
            throw new IllegalStateException("system property " + DIRECTORY_PROPERTY + " is not set (./genovfl test sets it)");
        }
        return new LocalFabricNetwork(Path.of(directory), script.toAbsolutePath().normalize());
    }

    /**
     * The connection of {@code organisation} ({@code hospital}, {@code lab}, {@code coordinator}
     * or {@code regulator}) as {@code fabric.sh up} wrote it.
     *
     * @throws IllegalStateException if the network has no such connection file
     */
    public FabricConnection connection(String organisation) {
        Path file = directory.resolve("connections")
                .resolve("connection-" + organisation.toLowerCase(Locale.ROOT) + ".properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no Fabric connection file " + file + ": run ./genovfl fabric up");
        }
        return FabricConnection.fromProperties(file);
    }

    /** Connects as {@code organisation}; see {@link #connection}. */
    public FabricAuditLedger connect(String organisation) {
        return FabricAuditLedger.connect(connection(organisation));
    }

    /**
     * Runs {@code fabric.sh arguments...} on this network, e.g. {@code peer hospital stop}.
     *
     * @throws IllegalStateException if the script fails
     */
    public void run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("GENOVFL_FABRIC_DIR", directory.toAbsolutePath().toString());
        int exit = builder.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit
                    + " (logs: " + directory.resolve("logs") + ")");
        }
    }
}
