package org.genovfl.psi;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.genovfl.he.ristretto.Ristretto255;

/**
 * Hash commitments to a <b>joint cohort</b>: the patients a hospital shares with each of
 * several labs, in one row order, built from completed pairwise PSI runs (hospital with
 * lab 1, hospital with lab 2, ...), the joint cohort's <i>sources</i>.
 *
 * <p>No party holds every source's tokens: lab i holds only those of its own run with the
 * hospital. So the joint commitment is a hash of per-source <b>components</b>, each of
 * which the hospital and one lab can compute alone:
 * <pre>
 * H_i   = SHA-256(len ‖ "GenoVFL-joint-cohort-v1:component" ‖ project ‖ joint run ‖ source run i ‖ k
 *                 ‖ t_i(0) ‖ … ‖ t_i(k-1))
 * joint = SHA-256(len ‖ "GenoVFL-joint-cohort-v1" ‖ project ‖ joint run ‖ n
 *                 ‖ source run 1 ‖ H_1 ‖ … ‖ source run n ‖ H_n)
 * </pre>
 * with t_i(r) the 32-byte token (doubly blinded value) that source run i stored for the
 * patient of joint row r, k the number of joint rows, n the number of sources, ids as their
 * 16 bytes, lengths and counts 8-byte big-endian, H_i as its 32 bytes. Lab i recomputes its
 * own H_i and takes the others from the hospital: a hospital that lies about one lab's
 * component to another gives the two labs different joint commitments, which training
 * refuses.
 *
 * <pre>{@code
 * String h1 = JointCohortCommitment.component(project, jointRun, sourceRun1, tokensOfRun1InJointOrder);
 * String joint = JointCohortCommitment.joint(project, jointRun,
 *         List.of(new Component(sourceRun1, h1), new Component(sourceRun2, h2)));
 * }</pre>
 */
public final class JointCohortCommitment {

    static final String COMPONENT_TAG = "GenoVFL-joint-cohort-v1:component";
    static final String JOINT_TAG = "GenoVFL-joint-cohort-v1";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private JointCohortCommitment() {
    }

    /**
     * One source's component: its run and H_i in lower-case hex.
     *
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     */
    public record Component(UUID sourceRunId, String sha256) {
        public Component {
            Objects.requireNonNull(sourceRunId, "sourceRunId");
            Objects.requireNonNull(sha256, "sha256");
            if (!SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("the component hash of source run " + sourceRunId
                        + " is not 64 lower-case hex digits");
            }
        }
    }

    /**
     * H_i over {@code tokensInJointOrder}, source run i's token of each joint row in joint
     * row order, in lower-case hex.
     *
     * @throws IllegalArgumentException if the tokens are not a whole number of 32-byte values
     */
    public static String component(UUID projectId, UUID jointRunId, UUID sourceRunId, byte[] tokensInJointOrder) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(jointRunId, "jointRunId");
        Objects.requireNonNull(sourceRunId, "sourceRunId");
        CohortCommitment.requireTokens(tokensInJointOrder);
        MessageDigest digest = CohortCommitment.tagged(COMPONENT_TAG);
        digest.update(uuids(56, projectId, jointRunId, sourceRunId)
                .putLong(tokensInJointOrder.length / Ristretto255.POINT_BYTES).array());
        digest.update(tokensInJointOrder);
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The joint commitment over {@code components} in the order given (the order of the
     * sources, which every party receives in the same proposal), in lower-case hex.
     *
     * @throws IllegalArgumentException if there is no component or a source run appears twice
     */
    public static String joint(UUID projectId, UUID jointRunId, List<Component> components) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(jointRunId, "jointRunId");
        requireDistinctSources(components);
        MessageDigest digest = CohortCommitment.tagged(JOINT_TAG);
        digest.update(uuids(40, projectId, jointRunId).putLong(components.size()).array());
        HexFormat hex = HexFormat.of();
        for (Component component : components) {
            digest.update(uuids(16, component.sourceRunId()).array());
            digest.update(hex.parseHex(component.sha256()));
        }
        return hex.formatHex(digest.digest());
    }

    /**
     * @throws IllegalArgumentException if {@code components} is empty or names a source run twice
     */
    public static void requireDistinctSources(List<Component> components) {
        Objects.requireNonNull(components, "components");
        if (components.isEmpty()) {
            throw new IllegalArgumentException("a joint cohort needs at least one source");
        }
        Set<UUID> seen = new HashSet<>();
        for (Component component : components) {
            if (!seen.add(Objects.requireNonNull(component, "component").sourceRunId())) {
                throw new IllegalArgumentException("source run " + component.sourceRunId() + " appears twice");
            }
        }
    }

    /** A buffer of {@code capacity} bytes that starts with the 16 bytes of each id. */
    private static ByteBuffer uuids(int capacity, UUID... ids) {
        ByteBuffer buffer = ByteBuffer.allocate(capacity);
        for (UUID id : ids) {
            buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        }
        return buffer;
    }
}
