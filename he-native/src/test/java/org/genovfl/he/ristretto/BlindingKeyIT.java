package org.genovfl.he.ristretto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BlindingKeyIT {

    private static final byte[] TAG = "GenoVFL-PSI-test".getBytes(StandardCharsets.UTF_8);

    private static List<byte[]> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> ("S" + i).getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldFindTheSameRowsInTheSameOrderOnBothSides() {
        try (BlindingKey a = BlindingKey.generate(); BlindingKey b = BlindingKey.generate()) {
            byte[] doubledA = b.blind(a.hashToGroupAndBlind(TAG, ids(0, 3000)));
            byte[] doubledB = a.blind(b.hashToGroupAndBlind(TAG, ids(2000, 5000)));
            int[] rowsAtA = Ristretto255.intersect(doubledA, doubledB);
            int[] rowsAtB = Ristretto255.intersect(doubledB, doubledA);
            assertThat(rowsAtA).hasSize(1000);
            List<Integer> idsAtA = new ArrayList<>();
            List<Integer> idsAtB = new ArrayList<>();
            for (int i = 0; i < rowsAtA.length; i++) {
                idsAtA.add(rowsAtA[i]);
                idsAtB.add(rowsAtB[i] + 2000);
            }
            assertThat(idsAtA).isEqualTo(idsAtB).doesNotHaveDuplicates().allMatch(i -> i >= 2000 && i < 3000);
        }
    }

    @Test
    void shouldDependOnTheDomainTag() {
        try (BlindingKey a = BlindingKey.generate()) {
            byte[] one = a.hashToGroupAndBlind(TAG, ids(0, 1));
            byte[] other = a.hashToGroupAndBlind("another project".getBytes(StandardCharsets.UTF_8), ids(0, 1));
            assertThat(one).hasSize(32).isNotEqualTo(other);
        }
    }

    @Test
    void shouldRefuseMalformedAndIdentityPointsWithTheirPosition() {
        try (BlindingKey a = BlindingKey.generate()) {
            byte[] points = a.hashToGroupAndBlind(TAG, ids(0, 3));
            byte[] identity = points.clone();
            java.util.Arrays.fill(identity, 64, 96, (byte) 0); // the identity encodes as 32 zero bytes
            assertThatThrownBy(() -> a.blind(identity)).isInstanceOf(InvalidPointException.class)
                    .hasMessageContaining("element 2").hasMessageContaining("identity");
            byte[] malformed = points.clone();
            java.util.Arrays.fill(malformed, 32, 64, (byte) 0xff);
            assertThatThrownBy(() -> a.blind(malformed)).isInstanceOf(InvalidPointException.class)
                    .hasMessageContaining("element 1").hasMessageContaining("not a canonical");
            assertThatThrownBy(() -> a.blind(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldSurviveRandomBytes() {
        SecureRandom random = new SecureRandom();
        try (BlindingKey a = BlindingKey.generate()) {
            for (int round = 0; round < 50; round++) {
                byte[] garbage = new byte[32 * 64];
                random.nextBytes(garbage);
                assertThatThrownBy(() -> a.blind(garbage)).isInstanceOf(InvalidPointException.class);
            }
        }
    }

    @Test
    void shouldRefuseUseAfterClose() {
        BlindingKey a = BlindingKey.generate();
        a.close();
        a.close();
        assertThatThrownBy(() -> a.blind(new byte[32])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseRepeatedValuesInAnIntersection() {
        byte[] twice = new byte[64];
        assertThatThrownBy(() -> Ristretto255.intersect(twice, new byte[0])).isInstanceOf(InvalidPointException.class);
    }
}
