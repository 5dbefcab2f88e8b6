package org.genovfl.party.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before HTTP Basic authentication: an attempt that {@link SignInThrottle} holds back is
 * answered 429 (problem details, with {@code Retry-After} in seconds) without checking its
 * password. Requests without Basic credentials pass untouched.
 */
final class SignInThrottleFilter extends OncePerRequestFilter {

    private static final String BASIC = "basic ";

    private final SignInThrottle throttle;
    private final ProblemResponses problems;

    SignInThrottleFilter(SignInThrottle throttle, ProblemResponses problems) {
        this.throttle = throttle;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> account = basicUsername(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (account.isPresent()) {
            String address = request.getRemoteAddr();
            Optional<Duration> wait = throttle.waitBefore(account.get(), address);
            if (wait.isPresent()) {
                throttle.refused(account.get(), address, wait.get());
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait.get().toSeconds()));
                problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS,
                        "Too many failed sign-ins; try again after the number of seconds in Retry-After.");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The username of a well-formed Basic header; anything else is for the Basic filter to refuse. */
    static Optional<String> basicUsername(String header) {
        if (header == null || header.length() <= BASIC.length()
                || !header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
