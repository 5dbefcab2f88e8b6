package org.genovfl.party.security;

import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.party.PartyRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may call what.
 *
 * <ul>
 *   <li>{@code /peer/**}: other parties only, authenticated by their TLS client certificate
 *       ({@link PeerCertificateFilter}).
 *   <li>{@code /api/**}: people, by HTTP Basic over TLS against BCrypt-hashed accounts from
 *       configuration; each endpoint names the role it needs with {@code @PreAuthorize}.
 *       Repeated failed sign-ins are throttled per address and per account ({@link SignInThrottle}).
 *   <li>Health and the OpenAPI description are public; everything else is refused.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain peerApi(HttpSecurity http, PartyRegistry registry, ProblemResponses problems) throws Exception {
        return http.securityMatcher("/peer/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new PeerCertificateFilter(registry, problems), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().hasAuthority(PeerAuthentication.PEER_AUTHORITY))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain peopleApi(HttpSecurity http, ProblemResponses problems, SignInThrottle throttle)
            throws Exception {
        return http
                .addFilterBefore(new SignInThrottleFilter(throttle, problems), BasicAuthenticationFilter.class)
                // Stateless Basic authentication: no session cookie, so no CSRF exposure.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.authenticationEntryPoint(problems))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/v3/api-docs", "/v3/api-docs/**",
                                "/swagger-ui.html", "/swagger-ui/**", "/error")
                        .permitAll()
                        .requestMatchers("/api/**").authenticated()
                        .anyRequest().denyAll())
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    @Bean
    UserDetailsService people(PartyProperties properties) {
        var manager = new InMemoryUserDetailsManager();
        for (PartyProperties.User user : properties.users()) {
            if (!user.passwordHash().startsWith("$2")) {
                throw new IllegalStateException("genovfl.users '" + user.username()
                        + "': password-hash must be a BCrypt hash, never a clear password");
            }
            UserDetails details = User.withUsername(user.username())
                    .password(user.passwordHash())
                    .authorities(user.roles().stream().map(r -> r.authority()).toArray(String[]::new))
                    .build();
            manager.createUser(details);
        }
        return manager;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }
}
