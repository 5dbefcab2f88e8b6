package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Three real party services (each with its own embedded PostgreSQL) talking over mutual
 * TLS, and the refusals that keep strangers out.
 */
@ExtendWith(OutputCaptureExtension.class)
class PartyNetworkIT {

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startParties() {
        parties = ThreePartyNetwork.start(directory);
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
    }

    @Test
    void everyPartySeesTheOtherTwoAsAuthenticatedPeers() throws Exception {
        HttpClient person = parties.client(null);
        for (PartyRole role : DemoNetwork.ORGANISATIONS.keySet()) {
            HttpResponse<String> response = parties.get(person, parties.url(role, "/api/peers"), "admin");
            assertThat(response.statusCode()).as(role + " /api/peers").isEqualTo(200);
            JsonNode peers = JSON.readTree(response.body());
            assertThat(peers).hasSize(2);
            for (JsonNode peer : peers) {
                assertThat(peer.get("authenticated").asBoolean()).as(peer.toString()).isTrue();
                assertThat(peer.get("answeredAs").asText()).isEqualTo(peer.get("organisation").asText());
                assertThat(peer.get("weAreSeenAs").asText()).isEqualTo(DemoNetwork.ORGANISATIONS.get(role));
            }
        }
    }

    @Test
    void registeredPeerCertificateCompletesRoundTrip() throws Exception {
        DemoCertificateAuthority.IssuedIdentity lab = parties.network.issue(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));
        HttpResponse<String> response = parties.get(parties.client(lab), parties.url(PartyRole.HOSPITAL, "/peer/hello"), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("callerSeenAs").asText()).isEqualTo("Helix Sequencing Lab");
    }

    @Test
    void clientWithoutCertificateIsRefused(CapturedOutput output) throws Exception {
        HttpResponse<String> response = parties.get(parties.client(null), parties.url(PartyRole.HOSPITAL, "/peer/hello"), null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(output.getOut()).contains("Refused peer call GET /peer/hello from unidentified client: no client certificate");
    }

    @Test
    void certificateFromAnotherCaFailsTheHandshake(CapturedOutput output) throws Exception {
        DemoCertificateAuthority rogueCa = DemoCertificateAuthority.create("Rogue CA");
        // Even the name of a registered organisation does not help without the right CA.
        DemoCertificateAuthority.IssuedIdentity impostor = rogueCa.issue(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));

        // A client that presents it anyway fails the TLS handshake itself.
        HttpClient insisting = parties.clientInsisting(impostor);
        assertThatThrownBy(() -> parties.get(insisting, parties.url(PartyRole.HOSPITAL, "/peer/hello"), null))
                .isInstanceOf(IOException.class);
        assertThat(output.getOut()).contains("Handshake failed");

        // The JDK client sees the server's list of accepted CAs and sends no certificate: refused too.
        HttpResponse<String> response = parties.get(parties.client(impostor), parties.url(PartyRole.HOSPITAL, "/peer/hello"), null);
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void unregisteredOrganisationIsRefused(CapturedOutput output) throws Exception {
        DemoCertificateAuthority.IssuedIdentity stranger = parties.network.issue("Rogue Biobank");
        HttpResponse<String> response = parties.get(parties.client(stranger), parties.url(PartyRole.LAB, "/peer/hello"), null);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("detail").asText()).contains("not registered");
        assertThat(output.getOut()).contains("from organisation 'Rogue Biobank': organisation not registered");
    }

    @Test
    void wrongRoleIsRefusedAndWrongPasswordIsUnauthorised() throws Exception {
        HttpClient person = parties.client(null);
        HttpResponse<String> regulator = parties.get(person, parties.url(PartyRole.COORDINATOR, "/api/peers"), "regulator");
        assertThat(regulator.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(regulator.body()).get("status").asInt()).isEqualTo(403);

        HttpResponse<String> me = parties.get(person, parties.url(PartyRole.COORDINATOR, "/api/me"), "regulator");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("roles").get(0).asText()).isEqualTo("REGULATOR");

        var wrong = java.net.http.HttpRequest.newBuilder(parties.url(PartyRole.COORDINATOR, "/api/me"))
                .header("Authorization", ThreePartyNetwork.basic("coordination-admin", "not-the-password")).build();
        assertThat(person.send(wrong, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void healthAndOpenApiArePublished() throws Exception {
        HttpClient person = parties.client(null);
        assertThat(parties.get(person, parties.url(PartyRole.LAB, "/actuator/health"), null).body()).contains("UP");
        HttpResponse<String> api = parties.get(person, parties.url(PartyRole.LAB, "/v3/api-docs"), null);
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("/api/peers", "/peer/hello");
    }
}
