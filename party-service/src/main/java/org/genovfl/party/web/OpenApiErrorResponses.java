package org.genovfl.party.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares in the OpenAPI document (/v3/api-docs) the error responses each operation can
 * return, all RFC 9457 problem details ({@code application/problem+json}, or
 * {@code application/json} for a client that asks for JSON): what the shared handling
 * answers (authentication, role and party kind, malformed or oversized bodies, unknown ids,
 * protocol refusals, a peer that failed) for the kind of operation it is. API clients and
 * the fuzzing (ApiHardeningIT) hold the service to this list.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiErrorResponses {

    static final String PROBLEM = "ProblemDetail";

    @Bean
    OpenApiCustomizer openApiProblemResponses() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                    declare(path, method, operation)));
        };
    }

    private static void declare(String path, PathItem.HttpMethod method, Operation operation) {
        boolean protectedPath = path.startsWith("/api/") || path.startsWith("/peer/");
        boolean body = operation.getRequestBody() != null;
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("400", "Invalid request: a parameter or the body is malformed or invalid (the problem names it)");
        if (protectedPath) {
            errors.put("401", "Not signed in (people) or no client certificate (peers)");
            errors.put("403", "The role, the calling party or this kind of party may not do this");
            errors.put("404", "No such run, project or resource here");
            errors.put("409", "The request does not fit the current state (e.g. a run not open for this message)");
            errors.put("422", "Understood but refused: the data or the records cannot serve it (the problem says why)");
        }
        boolean write = method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.PUT;
        if (body || write) {
            errors.put("413", "The body is over its size limit (genovfl.limits.*)");
            errors.put("415", "The body's media type is not one this operation reads");
        }
        if (write) {
            errors.put("502", "A call this party had to make to another party failed");
            errors.put("503", "A resource this request needs is busy or not yet available; retry later");
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        if (answersFhir(responses) && errors.containsKey("422")) {
            // A FHIR import refuses with an OperationOutcome, as FHIR clients expect.
            responses.putIfAbsent("422", new ApiResponse().description("Refused: an OperationOutcome lists every problem "
                    + "with its location").content(new Content().addMediaType(FHIR_JSON, new MediaType().schema(new ObjectSchema()))));
        }
        errors.forEach((status, description) -> responses.putIfAbsent(status, problemResponse(description)));
        operation.setResponses(responses);
    }

    static final String FHIR_JSON = "application/fhir+json";

    private static boolean answersFhir(ApiResponses responses) {
        ApiResponse ok = responses.get("200");
        return ok != null && ok.getContent() != null && ok.getContent().containsKey(FHIR_JSON);
    }

    private static ApiResponse problemResponse(String description) {
        Schema<?> reference = new Schema<>().$ref("#/components/schemas/" + PROBLEM);
        return new ApiResponse().description(description).content(new Content()
                .addMediaType("application/problem+json", new MediaType().schema(reference))
                .addMediaType("application/json", new MediaType().schema(reference)));
    }

    /** RFC 9457: the standard members, and any extension member (file, line, runId, reason, ...). */
    private static Schema<?> problemSchema() {
        ObjectSchema problem = new ObjectSchema();
        problem.description("RFC 9457 problem detail");
        problem.addProperty("type", new StringSchema().format("uri-reference"));
        problem.addProperty("title", new StringSchema());
        problem.addProperty("status", new IntegerSchema());
        problem.addProperty("detail", new StringSchema());
        problem.addProperty("instance", new StringSchema().format("uri-reference"));
        problem.additionalProperties(true);
        return problem;
    }
}
