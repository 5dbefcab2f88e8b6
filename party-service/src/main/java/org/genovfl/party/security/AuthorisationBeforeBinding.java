package org.genovfl.party.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.function.Supplier;
import org.genovfl.party.config.PartyProperties;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.method.PreAuthorizeAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.util.SimpleMethodInvocation;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authorisation before validation: decides an endpoint's {@code @PreAuthorize} role rule and
 * its {@link AvailableAt} party kinds once the handler is known but before any argument is
 * bound, so a person without the role (or a call to a party of the wrong kind) gets 403
 * whatever the body, never a 400 that tells what a valid body would look like. Method
 * security still checks {@code @PreAuthorize} again at the call; the rules are written once,
 * on the controllers. Role expressions here use no method arguments (none are bound yet).
 */
@Component
class AuthorisationBeforeBinding implements HandlerInterceptor {

    private final PreAuthorizeAuthorizationManager roles = new PreAuthorizeAuthorizationManager();
    private final PartyProperties properties;

    AuthorisationBeforeBinding(PartyProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        AvailableAt availableAt = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), AvailableAt.class);
        if (availableAt == null) {
            availableAt = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), AvailableAt.class);
        }
        if (availableAt != null && !Arrays.asList(availableAt.value()).contains(properties.role())) {
            throw new AccessDeniedException("this operation is for a " + Arrays.toString(availableAt.value())
                    + " party; this party is a " + properties.role());
        }
        Supplier<Authentication> caller = () -> SecurityContextHolder.getContext().getAuthentication();
        Object bean = method.createWithResolvedBean().getBean();
        var invocation = new SimpleMethodInvocation(bean, method.getMethod(),
                new Object[method.getMethod().getParameterCount()]);
        AuthorizationResult decision = roles.authorize(caller, invocation);
        if (decision != null && !decision.isGranted()) {
            throw new AccessDeniedException("Your role does not allow this operation.");
        }
        return true;
    }
}
