package org.genovfl.he;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Pure Java: the security check and the parameter encoding, no native library needed. */
class CkksParametersTest {

    @Test
    void presetsMeetTheStandardBound() {
        CkksParameters small = CkksParameters.n8192();
        assertThat(small.totalCoeffModulusBits()).isEqualTo(200).isLessThanOrEqualTo(218);
        assertThat(small.maxLevel()).isEqualTo(2);
        assertThat(small.slotCount()).isEqualTo(4096);
        CkksParameters large = CkksParameters.n16384();
        assertThat(large.totalCoeffModulusBits()).isEqualTo(360).isLessThanOrEqualTo(438);
        assertThat(large.maxLevel()).isEqualTo(6);
    }

    @Test
    void smallDegreesTakeFewPrimesWithoutRescaleOrKeySwitching() {
        CkksParameters onePrime = CkksParameters.builder().polyModulusDegree(1024).coeffModulusBits(27)
                .scale(Math.pow(2, 20)).build();
        assertThat(onePrime.maxLevel()).isZero();
        assertThat(onePrime.supportsKeySwitching()).isFalse();
        assertThat(onePrime.slotCount()).isEqualTo(512);
        CkksParameters twoPrimes = CkksParameters.builder().polyModulusDegree(2048).coeffModulusBits(27, 27)
                .scale(Math.pow(2, 20)).build();
        assertThat(twoPrimes.maxLevel()).isZero();
        assertThat(twoPrimes.supportsKeySwitching()).isTrue();
        assertThat(CkksParameters.n8192().supportsKeySwitching()).isTrue();
    }

    @Test
    void refusesInsecureParameters() {
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(8192)
                .coeffModulusBits(60, 40, 40, 40, 60).scale(Math.pow(2, 40)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("insecure");
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(4096)
                .coeffModulusBits(60, 40, 40).scale(Math.pow(2, 40)).build())
                .hasMessageContaining("insecure");
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(1024).coeffModulusBits(28)
                .scale(Math.pow(2, 20)).build()).hasMessageContaining("insecure");
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(2048).coeffModulusBits(28, 27)
                .scale(Math.pow(2, 20)).build()).hasMessageContaining("insecure");
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(512))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(3000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CkksParameters.builder().coeffModulusBits())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CkksParameters.builder().coeffModulusBits(60, 61, 60))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CkksParameters.builder().polyModulusDegree(8192).coeffModulusBits(30, 40, 60)
                .scale(Math.pow(2, 40)).build()).hasMessageContaining("below the first prime");
        assertThatThrownBy(() -> CkksParameters.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bytesRoundTripAndRefuseTampering() {
        CkksParameters p = CkksParameters.n16384();
        byte[] bytes = p.toBytes();
        assertThat(CkksParameters.fromBytes(bytes)).isEqualTo(p);
        byte[] insecure = bytes.clone();
        insecure[10] = 60; // first prime; total rises above... still fine? make all primes 60
        for (int i = 10; i < 18; i++) {
            insecure[i] = 60;
        }
        assertThatThrownBy(() -> CkksParameters.fromBytes(insecure)).isInstanceOf(HeFormatException.class)
                .hasMessageContaining("insecure");
        assertThatThrownBy(() -> CkksParameters.fromBytes(new byte[3])).isInstanceOf(HeFormatException.class);
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> CkksParameters.fromBytes(truncated)).isInstanceOf(HeFormatException.class);
    }
}
