package org.genovfl.party.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a request body (and, on an enclosing type, its nested records) whose unknown JSON
 * fields are refused instead of ignored: {@code "lambda": 0.1} in a training request must
 * not leave l2 at its default without a word. See {@link RequestFieldAdvice}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StrictJson {
}
