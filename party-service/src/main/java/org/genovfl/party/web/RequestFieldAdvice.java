package org.genovfl.party.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.genovfl.vfl.TrainingConfig;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Problems that name the request field at fault (a JSON pointer) and what it may be: unknown
 * fields of {@link StrictJson} bodies, unknown enum values (with the allowed ones), training
 * hyper-parameters out of range (with the range), and {@link InvalidFieldException}s the
 * services throw for references checked on arrival. Kept apart from the global
 * {@code ProblemDetailsAdvice} and ordered first: Spring matches these by the exception's
 * cause, so the global handler still answers every other unreadable body.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestFieldAdvice {

    /** Refuses unknown properties of {@link StrictJson} types, whatever the mapper's global setting. */
    @Bean
    static Jackson2ObjectMapperBuilderCustomizer strictJsonBodies() {
        return builder -> builder.postConfigurer(mapper -> mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                    JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName) throws IOException {
                Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
                if (isStrict(type)) {
                    Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
                    throw UnrecognizedPropertyException.from(parser, beanOrClass, propertyName, known);
                }
                return false;
            }

            /**
             * A string where an array of numbers belongs ({@code "rowIndices": "7"}): Jackson
             * reports this as a bad type definition (a primitive array has no String
             * creator), which Spring answers with a 500; it is the client's mismatch.
             */
            @Override
            public Object handleMissingInstantiator(DeserializationContext context, Class<?> type,
                    ValueInstantiator instantiator, JsonParser parser, String message) throws IOException {
                if (type.isArray()) {
                    return context.reportInputMismatch(type, "expected an array, not a %s", parser.currentToken());
                }
                return NOT_HANDLED;
            }
        }));
    }

    static boolean isStrict(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (t.isAnnotationPresent(StrictJson.class)) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(UnrecognizedPropertyException.class)
    ProblemDetail unknownField(UnrecognizedPropertyException e) {
        String pointer = pointer(e);
        String known = e.getKnownPropertyIds() == null ? ""
                : "; known fields here: " + String.join(", ", new TreeSet<>(e.getKnownPropertyIds().stream()
                        .map(String::valueOf).toList()));
        return problem(new InvalidFieldException(HttpStatus.BAD_REQUEST, pointer,
                "unknown field '" + e.getPropertyName() + "'" + known), "Unknown field");
    }

    @ExceptionHandler(InvalidFormatException.class)
    ProblemDetail invalidValue(InvalidFormatException e) {
        Class<?> target = e.getTargetType();
        String detail;
        if (target != null && target.isEnum()) {
            detail = "'" + e.getValue() + "' is not one of " + Arrays.stream(target.getEnumConstants())
                    .map(Object::toString).toList();
        } else {
            detail = "'" + e.getValue() + "' is not a valid "
                    + (target == null ? "value" : target.getSimpleName());
        }
        return problem(new InvalidFieldException(HttpStatus.BAD_REQUEST, pointer(e), detail), "Invalid field value");
    }

    /** A value of the wrong JSON type (a string for an array, an object for a number...). */
    @ExceptionHandler(MismatchedInputException.class)
    ProblemDetail wrongType(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        return problem(new InvalidFieldException(HttpStatus.BAD_REQUEST, pointer(e), "must be " + expected(target)),
                "Invalid field value");
    }

    /** What a JSON value of {@code target} looks like, for people reading a problem. */
    static String expected(Class<?> target) {
        if (target == null) {
            return "a value of another JSON type";
        } else if (target.isArray() || Collection.class.isAssignableFrom(target)) {
            return "an array";
        } else if (target == boolean.class || target == Boolean.class) {
            return "true or false";
        } else if (target.isPrimitive() || Number.class.isAssignableFrom(target)) {
            return "a number";
        } else if (CharSequence.class.isAssignableFrom(target) || target.isEnum() || target == UUID.class) {
            return "a string";
        }
        return "an object";
    }

    @ExceptionHandler(TrainingConfig.InvalidParameterException.class)
    ProblemDetail outOfRange(TrainingConfig.InvalidParameterException e) {
        return problem(new InvalidFieldException(HttpStatus.BAD_REQUEST, "/" + e.field(),
                "must be " + e.allowed()), "Invalid field value");
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ProblemDetail constraintViolated(MethodArgumentNotValidException e) {
        List<InvalidFieldException.FieldError> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> new InvalidFieldException.FieldError("/" + f.getField().replace('.', '/')
                        .replaceAll("\\[(\\d+)\\]", "/$1"), f.getDefaultMessage()))
                .toList();
        if (errors.isEmpty()) {
            errors = List.of(new InvalidFieldException.FieldError("/", String.valueOf(e.getBindingResult())));
        }
        return problem(new InvalidFieldException(HttpStatus.BAD_REQUEST, errors), "Invalid field value");
    }

    @ExceptionHandler(InvalidFieldException.class)
    ProblemDetail invalidField(InvalidFieldException e) {
        return problem(e, switch (e.status()) {
            case NOT_FOUND -> "Reference not found";
            case CONFLICT -> "Reference not usable";
            case UNPROCESSABLE_ENTITY -> "Request cannot be served";
            default -> "Invalid request";
        });
    }

    private static ProblemDetail problem(InvalidFieldException e, String title) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setTitle(title);
        List<Map<String, String>> errors = e.asProperty();
        problem.setProperty("errors", errors);
        return problem;
    }

    /** RFC 6901 pointer of the exception's path: {@code /genomicFeatures/2/region}. */
    static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            pointer.append('/');
            if (reference.getFieldName() != null) {
                pointer.append(reference.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (reference.getIndex() >= 0) {
                pointer.append(reference.getIndex());
            }
        }
        return pointer.isEmpty() ? "/" : pointer.toString();
    }
}
