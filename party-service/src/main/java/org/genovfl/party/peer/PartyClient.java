package org.genovfl.party.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.genovfl.party.config.PartyProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * The one way a party calls another: mutual TLS with this party's certificate, timeouts,
 * retries with exponential backoff, and errors mapped to {@link PeerCallException}
 * carrying an RFC 9457 problem detail.
 *
 * <p>Retries: a GET is retried on I/O failures and on 502/503/504. A POST is retried only
 * when the connection could not be opened, so a request the peer may have acted on is
 * never sent twice; protocol messages are bound to their run and round so a caller may
 * safely repeat them itself. A TLS handshake failure is never retried: it is a trust
 * problem, not a transient one. Thread-safe.
 *
 * <p>A peer with a pinned certificate ({@code genovfl.peers[i].certificate-sha256}) is called
 * through its own connections, whose handshake also requires that certificate
 * ({@link PinnedPeerTrust}): a peer presenting another one, even signed by the trusted CA,
 * is refused before the request is sent, as its calls in are refused by the pin.
 */
public final class PartyClient {

    private static final Logger log = LoggerFactory.getLogger(PartyClient.class);
    private static final Set<Integer> TRANSIENT_STATUSES = Set.of(502, 503, 504);

    private final KeyManager[] keyManagers;
    private final X509ExtendedTrustManager chainCheck;
    private final HttpClient unpinned;
    /** One client per pinned peer, by organisation and pin. */
    private final Map<String, HttpClient> pinned = new ConcurrentHashMap<>();
    private final PartyProperties.Client settings;
    private final ObjectMapper json;
    private final Map<String, PeerTraffic> traffic = new ConcurrentHashMap<>();

    /**
     * @param keyManagers this party's key and certificate (null: none)
     * @param trustManagers what peers' chains must lead to (null: the JDK's default trust)
     */
    public PartyClient(KeyManager[] keyManagers, TrustManager[] trustManagers, PartyProperties.Client settings,
            ObjectMapper json) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.json = Objects.requireNonNull(json, "json");
        if (settings.maxAttempts() < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.keyManagers = keyManagers;
        this.chainCheck = PinnedPeerTrust.chainCheckOf(trustManagers);
        this.unpinned = httpClient(chainCheck);
    }

    private HttpClient httpClient(X509ExtendedTrustManager trust) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keyManagers, new TrustManager[] {trust}, null);
            return HttpClient.newBuilder()
                    .sslContext(tls)
                    .connectTimeout(settings.connectTimeout())
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for calls to peers", e);
        }
    }

    /** The connections to {@code peer}: its own, checking its pinned certificate, if it has a pin. */
    private HttpClient http(PartyProperties.Peer peer) {
        String pin = peer.certificateSha256();
        if (pin == null || pin.isBlank()) {
            return unpinned;
        }
        return pinned.computeIfAbsent(peer.organisation() + "\n" + pin.strip(),
                key -> httpClient(new PinnedPeerTrust(chainCheck, peer.organisation(), pin.strip())));
    }

    /** Body bytes of the calls this party made to {@code organisation} since it started. */
    public PeerTraffic.Bytes traffic(String organisation) {
        return trafficWith(organisation).bytes();
    }

    private PeerTraffic trafficWith(String organisation) {
        return traffic.computeIfAbsent(organisation, o -> new PeerTraffic());
    }

    /** GETs {@code path} from {@code peer} and reads the JSON answer as {@code type}. */
    public <T> T get(PartyProperties.Peer peer, String path, Class<T> type) {
        HttpRequest request = request(peer, path).GET().build();
        return readJson(peer, send(peer, request, true), type);
    }

    /** POSTs {@code body} as JSON to {@code path} at {@code peer} and reads the answer as {@code type}. */
    public <T> T post(PartyProperties.Peer peer, String path, Object body, Class<T> type) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON", e);
        }
        HttpRequest request = request(peer, path)
                .header("Content-Type", MediaType.APPLICATION_JSON_VALUE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        return readJson(peer, send(peer, request, false), type);
    }

    /** Reads a successful streamed answer; see {@link #postStream}. */
    @FunctionalInterface
    public interface StreamReader<T> {
        T read(InputStream body) throws IOException;
    }

    /**
     * POSTs a body of {@code mediaType} streamed from {@code body} (read lazily, so it may be
     * produced while sending) and hands a successful answer's body, as a stream, to
     * {@code reader}. For bulk protocol exchanges: never retried (a stream cannot be
     * replayed), and {@code timeout} replaces the configured request timeout, since the peer
     * may need to read the whole body before it answers.
     *
     * @throws PeerCallException if the peer answers with an error, cannot be reached, or the
     *     exchange breaks off (including an {@link IOException} from {@code reader})
     */
    public <T> T postStream(PartyProperties.Peer peer, String path, String mediaType, InputStream body,
            Duration timeout, StreamReader<T> reader) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(reader, "reader");
        HttpRequest request = request(peer, path)
                .timeout(Objects.requireNonNull(timeout, "timeout"))
                .header("Content-Type", Objects.requireNonNull(mediaType, "mediaType"))
                .setHeader("Accept", mediaType + ", " + MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> trafficWith(peer.organisation()).countSent(body)))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http(peer).send(request, countingAnswers(peer));
        } catch (IOException e) {
            throw refusedOrUnreachable(peer, request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(peer, request, "interrupted", e);
        }
        try (InputStream answer = response.body()) {
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return reader.read(answer);
            }
            throw new PeerCallException(peer.organisation(), readProblem(response, answer), null);
        } catch (IOException e) {
            throw unreachable(peer, request, "exchange broke off: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(PartyProperties.Peer peer, String path) {
        Objects.requireNonNull(peer, "peer");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        URI base = peer.url();
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(settings.requestTimeout())
                .header("Accept", MediaType.APPLICATION_JSON_VALUE + ", " + MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    private HttpResponse<InputStream> send(PartyProperties.Peer peer, HttpRequest request, boolean idempotent) {
        Duration backoff = settings.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= settings.maxAttempts();
            try {
                HttpResponse<InputStream> response = http(peer).send(request, countingAnswers(peer));
                // Counted once answered: a refused handshake or a connection never made sent nothing.
                request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).filter(length -> length > 0)
                        .ifPresent(trafficWith(peer.organisation())::sent);
                if (idempotent && !last && TRANSIENT_STATUSES.contains(response.statusCode())) {
                    response.body().close();
                    log.info("{} answered {} to {} {}; retrying in {} ms (attempt {}/{})", peer.organisation(),
                            response.statusCode(), request.method(), request.uri().getPath(), backoff.toMillis(),
                            attempt, settings.maxAttempts());
                } else {
                    return response;
                }
            } catch (SSLHandshakeException e) {
                throw refusedOrUnreachable(peer, request, e);
            } catch (IOException e) {
                boolean retryable = idempotent || e instanceof ConnectException;
                if (last || !retryable) {
                    throw unreachable(peer, request, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
                }
                log.info("{} unreachable for {} {} ({}); retrying in {} ms (attempt {}/{})", peer.organisation(),
                        request.method(), request.uri().getPath(), e.getClass().getSimpleName(), backoff.toMillis(),
                        attempt, settings.maxAttempts());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(peer, request, "interrupted", e);
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2);
        }
    }

    private HttpResponse.BodyHandler<InputStream> countingAnswers(PartyProperties.Peer peer) {
        PeerTraffic counter = trafficWith(peer.organisation());
        return info -> HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(),
                counter::countReceived);
    }

    private <T> T readJson(PartyProperties.Peer peer, HttpResponse<InputStream> response, Class<T> type) {
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return json.readValue(body, type);
            }
            ProblemDetail problem = readProblem(response, body);
            throw new PeerCallException(peer.organisation(), problem, null);
        } catch (IOException e) {
            throw unreachable(peer, response.request(), "unreadable answer: " + e.getMessage(), e);
        }
    }

    private ProblemDetail readProblem(HttpResponse<InputStream> response, InputStream body) throws IOException {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (contentType.startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE)) {
            return json.readValue(body, ProblemDetail.class);
        }
        HttpStatus status = HttpStatus.resolve(response.statusCode());
        ProblemDetail problem = ProblemDetail.forStatus(response.statusCode());
        problem.setDetail("peer answered " + response.statusCode()
                + (status == null ? "" : " " + status.getReasonPhrase()) + " without a problem detail");
        return problem;
    }

    /**
     * A handshake refused because the peer's certificate is not its pinned one: a trust
     * failure the operator must look at (the pin or the peer's certificate changed, or
     * someone else answers at its address), told apart from a peer that is down.
     */
    private static PeerCallException refusedOrUnreachable(PartyProperties.Peer peer, HttpRequest request,
            IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PinnedPeerTrust.PinMismatch mismatch) {
                log.warn("Refused to call {} {} at {}: {}", request.method(), request.uri().getPath(),
                        peer.organisation(), mismatch.getMessage());
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, "Not calling "
                        + peer.organisation() + " for " + request.method() + " " + request.uri().getPath() + ": "
                        + mismatch.getMessage() + "; nothing was sent");
                problem.setTitle("Peer certificate not the pinned one");
                return new PeerCallException(peer.organisation(), problem, e);
            }
        }
        String why = e instanceof SSLHandshakeException ? "TLS handshake refused: " + e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return unreachable(peer, request, why, e);
    }

    private static PeerCallException unreachable(PartyProperties.Peer peer, HttpRequest request, String why,
            Throwable cause) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Party " + peer.organisation() + " could not be reached for " + request.method() + " "
                        + request.uri().getPath() + ": " + why);
        problem.setTitle("Peer unreachable");
        return new PeerCallException(peer.organisation(), problem, cause);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
