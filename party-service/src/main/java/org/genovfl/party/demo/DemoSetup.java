package org.genovfl.party.demo;

import java.nio.file.Path;
import org.genovfl.party.config.PartyRole;

/**
 * {@code ./genovfl start <party>} on a new machine: writes the demo CA, certificates and
 * per-party configuration (see {@link DemoNetwork}) if they are not there yet. With
 * {@code --containers}, for the parties of docker/compose.yaml ({@code ./genovfl deploy up}).
 */
public final class DemoSetup {

    private DemoSetup() {
    }

    public static void main(String[] args) {
        boolean containers = args.length == 2 && args[1].equals("--containers");
        if (args.length != 1 && !containers) {
            System.err.println("usage: DemoSetup <demo-directory> [--containers]");
            System.exit(2);
        }
        DemoNetwork network = containers ? DemoNetwork.openOrCreateForContainers(Path.of(args[0]))
                : DemoNetwork.openOrCreate(Path.of(args[0]), StudyDemo.DEFAULT_PORTS);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            System.out.printf("%-11s %-28s %s  config %s%n", role, DemoNetwork.ORGANISATIONS.get(role),
                    network.url(role), network.propertiesFile(role));
        }
        System.out.println("accounts (<party>-admin, -coordinator, -regulator of each party): " + network.directory().resolve("credentials.properties"));
    }
}
