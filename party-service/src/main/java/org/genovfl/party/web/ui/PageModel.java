package org.genovfl.party.web.ui;

import org.genovfl.party.config.PartyProperties;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's layout needs: the party it is, and who is signed in (null on the login page). */
@ControllerAdvice(basePackageClasses = PageModel.class)
class PageModel {

    private final PartyProperties properties;

    PageModel(PartyProperties properties) {
        this.properties = properties;
    }

    @ModelAttribute("party")
    PartyProperties party() {
        return properties;
    }

    @ModelAttribute("me")
    SignedInPerson me() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken
                || !authentication.isAuthenticated()) {
            return null;
        }
        return SignedInPerson.of(authentication, properties.organisation(), properties.role());
    }
}
