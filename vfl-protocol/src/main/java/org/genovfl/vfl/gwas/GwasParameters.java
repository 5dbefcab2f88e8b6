package org.genovfl.vfl.gwas;

import org.genovfl.he.CkksParameters;

/**
 * The scan's CKKS parameters. N = 16384 (8192 slots), coefficient modulus 60 + 40 + 40 + 40
 * bits plus a 60-bit special prime: 240 bits, under the 438 the HomomorphicEncryption.org
 * standard allows for 128-bit security at this degree; Delta = 2^40. That is depth 3, exactly
 * what a lab's computation uses (gwas.md, level budget):
 * <pre>
 *   level 3  hospital's fresh ciphertexts; genotype plaintext products accumulated
 *   level 2  rescaled; fold by rotations (no level); U here
 *   level 1  squares of the k covariate projections, rescaled; V = S - sum of squares; U masked into its row
 *   level 0  V masked into its row
 * </pre>
 * At level 0 the 60-bit first prime holds values below 2^19 at scale 2^40; the hospital's
 * factor kappa keeps V below 2^18 (see {@link GwasHospital}).
 */
public final class GwasParameters {

    /** The largest encrypted V the level-0 prime holds with a factor-2 margin. */
    static final double MAX_ENCRYPTED_VARIANCE = Math.pow(2, 18);

    private GwasParameters() {
    }

    public static CkksParameters ckks() {
        return CkksParameters.builder().polyModulusDegree(16384).coeffModulusBits(60, 40, 40, 40, 60)
                .scale(Math.pow(2, 40)).build();
    }
}
