package org.genovfl.party.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/** Wrong JSON types in request bodies are the client's 400 naming the field, never a server error. */
class RequestFieldAdviceTest {

    record Proposal(UUID runId, int[] rowIndices, List<UUID> sources) {
    }

    private final ObjectMapper mapper = mapper();

    private static ObjectMapper mapper() {
        Jackson2ObjectMapperBuilder builder = new Jackson2ObjectMapperBuilder();
        RequestFieldAdvice.strictJsonBodies().customize(builder);
        return builder.build();
    }

    /** What the handler answers for {@code json} read as a Proposal. */
    private ProblemDetail problemFor(String json) {
        MismatchedInputException mismatch = catchThrowableOfType(MismatchedInputException.class,
                () -> mapper.readValue(json, Proposal.class));
        assertThat(mismatch).as("%s is an input mismatch (Spring: 400), not a bad definition (500)", json).isNotNull();
        return new RequestFieldAdvice().wrongType(mismatch);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> errors(ProblemDetail problem) {
        return (List<Map<String, String>>) problem.getProperties().get("errors");
    }

    @Test
    void aStringForAnArrayOfNumbersNamesTheFieldWithoutItsValue() {
        ProblemDetail problem = problemFor("{\"rowIndices\": \"7-SECRET\"}");
        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(errors(problem)).containsExactly(Map.of("pointer", "/rowIndices", "detail", "must be an array"));
        assertThat(problem.getDetail()).doesNotContain("SECRET");
    }

    @Test
    void otherWrongTypesNameTheFieldAndWhatItMustBe() {
        assertThat(errors(problemFor("{\"rowIndices\": {}}")))
                .containsExactly(Map.of("pointer", "/rowIndices", "detail", "must be an array"));
        assertThat(errors(problemFor("{\"sources\": \"not-an-array\"}")))
                .containsExactly(Map.of("pointer", "/sources", "detail", "must be an array"));
        assertThat(errors(problemFor("{\"rowIndices\": [1, [2]]}")))
                .containsExactly(Map.of("pointer", "/rowIndices/1", "detail", "must be a number"));
        assertThat(errors(problemFor("{\"runId\": [1]}")))
                .containsExactly(Map.of("pointer", "/runId", "detail", "must be a string"));
    }
}
