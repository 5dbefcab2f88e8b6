package org.genovfl.party.web.ui;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may see the web app: people signed in through the login form, with a session cookie
 * and CSRF tokens. It matches only the web app's own paths, so the other chains keep theirs
 * unchanged: {@code /peer/**} (mutual TLS) and {@code /api/**} (stateless HTTP Basic, which
 * never reads this session). Every page but the login needs a session; a page of another
 * role answers the 403 page. Responses carry a strict content security policy: scripts and
 * styles from this origin only, no inline code, no framing.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

    /** The web app's paths: pages under /ui, the root, sign-in and out, and static files. */
    static final RequestMatcher WEB_APP = new OrRequestMatcher(
            AntPathRequestMatcher.antMatcher("/"),
            AntPathRequestMatcher.antMatcher("/login"),
            AntPathRequestMatcher.antMatcher("/logout"),
            AntPathRequestMatcher.antMatcher("/ui/**"),
            AntPathRequestMatcher.antMatcher("/assets/**"),
            AntPathRequestMatcher.antMatcher("/webjars/**"),
            AntPathRequestMatcher.antMatcher("/favicon.ico"));

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Bean
    @Order(0)
    SecurityFilterChain webApp(HttpSecurity http, SessionCookie cookie) throws Exception {
        return http.securityMatcher(WEB_APP)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/assets/**", "/webjars/**", "/favicon.ico").permitAll()
                        .requestMatchers("/ui/coordinator/**").hasRole("COORDINATOR")
                        .requestMatchers("/ui/admin/**").hasRole("PARTY_ADMIN")
                        .requestMatchers("/ui/regulator/**").hasRole("REGULATOR")
                        .requestMatchers("/ui/peers").hasAnyRole("PARTY_ADMIN", "COORDINATOR")
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", true)
                        .failureUrl("/login?error").permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut")
                        .invalidateHttpSession(true).deleteCookies(cookie.name()))
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId())
                        .invalidSessionUrl("/login?expired"))
                .exceptionHandling(e -> e.accessDeniedHandler((request, response, denied) -> {
                    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                    request.getRequestDispatcher("/ui/forbidden").forward(request, response);
                }))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(f -> f.deny())
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy",
                                "camera=(), microphone=(), geolocation=(), payment=()"))
                        .addHeaderWriter(new StaticHeadersWriter("Cross-Origin-Opener-Policy", "same-origin")))
                .build();
    }
}
