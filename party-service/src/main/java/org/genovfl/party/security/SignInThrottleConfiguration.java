package org.genovfl.party.security;

import java.time.Clock;
import java.util.stream.Collectors;
import org.genovfl.party.config.PartyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The sign-in throttle of people's accounts and what feeds it: failed Basic sign-ins. */
@Configuration(proxyBeanMethods = false)
class SignInThrottleConfiguration {

    @Bean
    SignInThrottle signInThrottle(SignInThrottleProperties settings, PartyProperties properties) {
        return new SignInThrottle(settings,
                properties.users().stream().map(PartyProperties.User::username).collect(Collectors.toSet()),
                Clock.systemUTC());
    }

    @Bean
    SignInFailures signInFailures(SignInThrottle throttle) {
        return new SignInFailures(throttle);
    }

    /** Wrong password or unknown account (Spring Security does not tell them apart here either). */
    static final class SignInFailures {
        private final SignInThrottle throttle;

        SignInFailures(SignInThrottle throttle) {
            this.throttle = throttle;
        }

        @EventListener
        void on(AuthenticationFailureBadCredentialsEvent event) {
            if (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details) {
                throttle.failed(event.getAuthentication().getName(), details.getRemoteAddress());
            }
        }
    }
}
