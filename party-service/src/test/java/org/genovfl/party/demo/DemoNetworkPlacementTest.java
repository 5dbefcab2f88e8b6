package org.genovfl.party.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.genovfl.party.config.PartyRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo configuration for containers (docker/compose.yaml) against the one for one
 * machine: where each party listens, how it calls its peers, and which host names its
 * certificate is valid for (the peers check them).
 */
class DemoNetworkPlacementTest {

    @TempDir
    Path directory;

    @Test
    void containerPartiesCallEachOtherByServiceNameOnTheContainerPort() throws Exception {
        DemoNetwork network = DemoNetwork.openOrCreateForContainers(directory);

        Properties hospital = load(network.propertiesFile(PartyRole.HOSPITAL));
        assertThat(hospital.getProperty("server.address")).isEqualTo("0.0.0.0");
        assertThat(hospital.getProperty("server.port")).isEqualTo("8443");
        assertThat(hospital.getProperty("genovfl.data-directory")).isEqualTo("/var/lib/genovfl");
        assertThat(List.of(hospital.getProperty("genovfl.peers[0].url"), hospital.getProperty("genovfl.peers[1].url")))
                .containsExactly("https://lab:8443", "https://coordinator:8443");
        assertThat(network.url(PartyRole.COORDINATOR)).isEqualTo(URI.create("https://coordinator:8443"));
        // Key stores are referenced where the directory is, as the containers mount it.
        assertThat(hospital.getProperty("spring.ssl.bundle.jks.party.keystore.location"))
                .isEqualTo("file:" + directory.resolve("pki/hospital.p12").toAbsolutePath());

        assertThat(dnsNames(network.identity(PartyRole.LAB).certificate())).containsExactlyInAnyOrder("localhost", "lab");
        assertThat(dnsNames(network.identity(PartyRole.HOSPITAL).certificate())).containsExactlyInAnyOrder("localhost", "hospital");
    }

    @Test
    void aDirectoryWrittenForContainersIsWrittenAnewForOneMachine() throws Exception {
        DemoNetwork.openOrCreateForContainers(directory);
        Map<PartyRole, Integer> ports = new EnumMap<>(Map.of(PartyRole.HOSPITAL, 18443, PartyRole.LAB, 18444,
                PartyRole.COORDINATOR, 18445));

        DemoNetwork network = DemoNetwork.openOrCreate(directory, ports);

        Properties lab = load(network.propertiesFile(PartyRole.LAB));
        assertThat(lab.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(lab.getProperty("genovfl.peers[0].url")).isEqualTo("https://localhost:18443");
        assertThat(lab.getProperty("genovfl.data-directory")).isEqualTo(directory.resolve("data/lab").toAbsolutePath().toString());
        assertThat(network.url(PartyRole.LAB)).isEqualTo(URI.create("https://localhost:18444"));
        assertThat(dnsNames(network.identity(PartyRole.LAB).certificate())).containsExactly("localhost");
    }

    private static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
        return certificate.getSubjectAlternativeNames().stream()
                .filter(name -> (Integer) name.get(0) == 2)   // dNSName
                .map(name -> (String) name.get(1))
                .toList();
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }
}
