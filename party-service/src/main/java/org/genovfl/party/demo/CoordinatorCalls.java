package org.genovfl.party.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.genovfl.party.config.PartyRole;

/** The demo's people-API calls to the coordinator, signed in as its coordinator account. */
final class CoordinatorCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CoordinatorCalls() {
    }

    /** Sends {@code request} as the coordinator; the JSON answer, or an exception naming the status. */
    static JsonNode send(DemoNetwork network, HttpClient http, HttpRequest.Builder request, int expectedStatus)
            throws IOException, InterruptedException {
        request.header("Authorization", network.authorization(PartyRole.COORDINATOR, "coordinator"));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("coordinator answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
