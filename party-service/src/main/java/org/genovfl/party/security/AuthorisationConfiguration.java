package org.genovfl.party.security;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers {@link AuthorisationBeforeBinding} for every controller. */
@Configuration(proxyBeanMethods = false)
class AuthorisationConfiguration implements WebMvcConfigurer {

    private final AuthorisationBeforeBinding authorisation;

    AuthorisationConfiguration(AuthorisationBeforeBinding authorisation) {
        this.authorisation = authorisation;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(authorisation);
    }
}
