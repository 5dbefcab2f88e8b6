package org.genovfl.party.psi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.psi.PsiMessages.Completion;
import org.genovfl.psi.PsiMessages.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The JSON calls of PSI and joint cohorts to another party, on top of {@link PartyClient}:
 * slow calls with a long timeout, idempotent calls repeated while the peer cannot be
 * reached, and the best-effort abort that tells a peer its run was given up.
 */
@Component
class PsiPeerCalls {

    static final String PEER_BASE = "/peer/psi/runs";
    /** A peer may need to read and blind a whole stage, or store a million rows, before answering. */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofMinutes(15);
    /** Attempts at an idempotent call when the peer cannot be reached. */
    private static final int FINISH_ATTEMPTS = 4;

    private static final Logger log = LoggerFactory.getLogger(PsiPeerCalls.class);

    private final PartyProperties properties;
    private final PartyClient client;
    private final ObjectMapper json;

    PsiPeerCalls(PartyProperties properties, PartyClient client, ObjectMapper json) {
        this.properties = properties;
        this.client = client;
        this.json = json;
    }

    PartyClient client() {
        return client;
    }

    /** The configured peer whose registry id is {@code partyId}. */
    Optional<PartyProperties.Peer> peerWithId(UUID partyId) {
        return properties.peers().stream().filter(p -> PartyRegistry.idOf(p.organisation()).equals(partyId))
                .findFirst();
    }

    /**
     * A JSON call the peer may take minutes to answer: accepting means loading and
     * normalising its whole set, confirming means storing the aligned cohort (a million
     * rows take longer than the client's usual request timeout on a busy machine).
     */
    <T> T postSlowJson(PartyProperties.Peer peer, String path, Object body, Class<T> type) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("PSI message cannot be written as JSON", e);
        }
        return client.postStream(peer, path, MediaType.APPLICATION_JSON_VALUE, new ByteArrayInputStream(payload),
                EXCHANGE_TIMEOUT, answer -> json.readValue(answer, type));
    }

    /** An idempotent call, repeated while the peer cannot be reached (a lost answer is asked for again). */
    <T> T retried(UUID runId, String peerOrganisation, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (PeerCallException e) {
                if (!unreachable(e) || attempt >= FINISH_ATTEMPTS) {
                    throw e;
                }
                log.info("PSI run {}: {} unreachable ({}), asking again (attempt {}/{})", runId, peerOrganisation,
                        e.problem().getStatus(), attempt + 1, FINISH_ATTEMPTS);
                try {
                    Thread.sleep(500L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Whether a call failed because the peer could not be reached (502, 503, 504), not because it refused. */
    static boolean unreachable(PeerCallException e) {
        int status = e.problem().getStatus();
        return status >= 502 && status <= 504;
    }

    /**
     * Tells {@code peer} that run {@code runId} completed here with {@code cohortCommitment},
     * so the cohort it holds CONFIRMED becomes usable. The run is complete here whatever
     * happens: a peer that cannot be told now asks for the run's state itself.
     */
    void sendCompletion(PartyProperties.Peer peer, UUID runId, String cohortCommitment) {
        try {
            retried(runId, peer.organisation(), () -> postSlowJson(peer, PEER_BASE + "/" + runId + "/completion",
                    new Completion(runId, cohortCommitment), RunState.class));
        } catch (PeerCallException e) {
            log.warn("PSI run {}: {} was not told of the completion ({}); it will ask", runId, peer.organisation(),
                    e.problem().getStatus());
        }
    }

    /** Tells {@code peer} that run {@code runId} was given up, so it drops what it holds; best effort. */
    void abort(PartyProperties.Peer peer, UUID runId, String reason) {
        try {
            client.post(peer, PEER_BASE + "/" + runId + "/abort", Map.of("reason", reason), Map.class);
        } catch (RuntimeException e) {
            log.info("PSI run {}: could not tell {} about the failure: {}", runId, peer.organisation(), e.getMessage());
        }
    }
}
