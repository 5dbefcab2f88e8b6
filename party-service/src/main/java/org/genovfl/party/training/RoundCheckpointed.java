package org.genovfl.party.training;

import java.util.UUID;

/**
 * Published by a data holder after the checkpoint of a round is committed (global round
 * index {@code roundIndex}), before it confirms the round; for monitoring and tests.
 */
public record RoundCheckpointed(UUID runId, String organisation, int roundIndex) {
}
