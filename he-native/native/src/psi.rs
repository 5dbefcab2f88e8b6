//! Ristretto255 group operations for ECDH private set intersection (PSI).
//!
//! The protocol (see `docs/protocols/psi.md`) needs three batched operations per party:
//! 1. [`hash_and_blind`]: map each identifier to the group with a real hash-to-group
//!    (SHA-512 of a domain-separated, length-prefixed input, then Ristretto255's
//!    `from_uniform_bytes`, the map RFC 9496 specifies) and multiply by the party's secret
//!    scalar. Hashing to a scalar and multiplying the base point would not be oblivious:
//!    anyone could divide out the exponent, so we never do that.
//! 2. [`blind`]: validate and multiply points received from the peer by the secret scalar.
//!    Every encoding is decompressed (which fails for non-canonical bytes) and the identity
//!    is refused: a peer sending the identity would learn nothing useful but would break
//!    the "every value is a pseudonym" invariant, and it signals corruption or malice.
//! 3. [`intersect`]: sort both doubly blinded sets and return the positions of this
//!    party's elements that the peer also holds, ordered by the doubly blinded encoding:
//!    that order is the canonical row order both parties derive without another message.
//!
//! Work is spread over every core with `std::thread::scope`; a call handles a chunk of
//! thousands of points, so the JNI crossing costs nothing next to the arithmetic.
//! Compression uses `double_and_compress_batch` on points multiplied by k/2: the batch
//! shares one field inversion across the chunk, which is most of the cost of encoding.

// The JNI entry points live beside the maths they call.
#[path = "psi_jni.rs"]
mod psi_jni;

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use sha2::{Digest, Sha512};
use zeroize::Zeroize;

/// Size of one encoded point.
pub const POINT_BYTES: usize = 32;

/// A party's secret exponent for one PSI run. The scalar is wiped when the key is dropped.
pub struct BlindingKey {
    /// k: what a point is multiplied by.
    scalar: Scalar,
    /// k / 2: multiplied instead, because the batched encoder doubles before compressing.
    half_scalar: Scalar,
}

impl BlindingKey {
    /// A fresh uniformly random non-zero scalar from the operating system's generator.
    pub fn generate() -> Result<Self, String> {
        loop {
            let mut wide = [0u8; 64];
            getrandom::getrandom(&mut wide).map_err(|e| format!("no operating-system randomness: {e}"))?;
            let scalar = Scalar::from_bytes_mod_order_wide(&wide);
            wide.zeroize();
            if scalar != Scalar::ZERO {
                let half_scalar = scalar * Scalar::from(2u8).invert();
                return Ok(BlindingKey { scalar, half_scalar });
            }
        }
    }

    #[cfg(test)]
    fn scalar(&self) -> Scalar {
        self.scalar
    }
}

impl Drop for BlindingKey {
    fn drop(&mut self) {
        self.scalar.zeroize();
        self.half_scalar.zeroize();
    }
}

/// Why a received point was refused; `index` is its position within the chunk.
#[derive(Debug, PartialEq, Eq)]
pub enum PointError {
    NotAPoint { index: usize },
    Identity { index: usize },
    Length { length: usize },
}

impl std::fmt::Display for PointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bytes themselves are never put in a message: a blinded value is a pseudonym.
        match self {
            PointError::NotAPoint { index } => {
                write!(f, "element {index} of the chunk is not a canonical Ristretto255 encoding")
            }
            PointError::Identity { index } => {
                write!(f, "element {index} of the chunk is the identity element, which no honest party sends")
            }
            PointError::Length { length } => {
                write!(f, "{length} bytes is not a whole number of {POINT_BYTES}-byte points")
            }
        }
    }
}

/// The 64 uniform bytes an identifier maps from: SHA-512(dst_len || dst || id_len || id),
/// lengths as 8-byte big-endian, so no two (tag, identifier) pairs share an input.
pub fn uniform_bytes(domain_tag: &[u8], identifier: &[u8]) -> [u8; 64] {
    let mut hash = Sha512::new();
    hash.update((domain_tag.len() as u64).to_be_bytes());
    hash.update(domain_tag);
    hash.update((identifier.len() as u64).to_be_bytes());
    hash.update(identifier);
    hash.finalize().into()
}

/// Hashes every identifier to the group and blinds it: returns k·H(id) for each, encoded,
/// in input order. `ends[i]` is the exclusive end offset of identifier i in `identifiers`.
pub fn hash_and_blind(key: &BlindingKey, domain_tag: &[u8], identifiers: &[u8], ends: &[usize]) -> Result<Vec<u8>, String> {
    let mut start = 0usize;
    let mut ranges = Vec::with_capacity(ends.len());
    for &end in ends {
        if end < start || end > identifiers.len() {
            return Err(format!("identifier end offset {end} is out of order or beyond {} bytes", identifiers.len()));
        }
        ranges.push((start, end));
        start = end;
    }
    let mut out = vec![0u8; ranges.len() * POINT_BYTES];
    parallel_chunks(&ranges, &mut out, |ranges, out| {
        let points: Vec<RistrettoPoint> = ranges
            .iter()
            .map(|&(s, e)| {
                let mut wide = uniform_bytes(domain_tag, &identifiers[s..e]);
                let point = RistrettoPoint::from_uniform_bytes(&wide);
                wide.zeroize();
                point * key.half_scalar
            })
            .collect();
        write_doubled(&points, out);
        Ok::<(), String>(())
    })?;
    Ok(out)
}

/// Validates every received encoding and blinds it again: returns k·P for each, in order.
pub fn blind(key: &BlindingKey, encoded: &[u8]) -> Result<Vec<u8>, PointError> {
    if encoded.len() % POINT_BYTES != 0 {
        return Err(PointError::Length { length: encoded.len() });
    }
    let indexed: Vec<(usize, &[u8])> = encoded.chunks_exact(POINT_BYTES).enumerate().collect();
    let mut out = vec![0u8; encoded.len()];
    parallel_chunks(&indexed, &mut out, |items, out| {
        let mut points = Vec::with_capacity(items.len());
        for &(index, bytes) in items {
            let point = decode(bytes, index)?;
            points.push(point * key.half_scalar);
        }
        write_doubled(&points, out);
        Ok(())
    })?;
    Ok(out)
}

/// Positions in `own` of the values also present in `peer`, ordered by the value's
/// encoding (unsigned lexicographic). Both sets must be free of repeats: an honest run
/// never produces one, so a repeat means a misbehaving or confused peer.
pub fn intersect(own: &[u8], peer: &[u8]) -> Result<Vec<u32>, String> {
    if own.len() % POINT_BYTES != 0 || peer.len() % POINT_BYTES != 0 {
        return Err("doubly blinded sets must be whole numbers of 32-byte points".to_string());
    }
    let mut peer_values: Vec<&[u8]> = peer.chunks_exact(POINT_BYTES).collect();
    peer_values.sort_unstable();
    if peer_values.windows(2).any(|w| w[0] == w[1]) {
        return Err("the peer's doubly blinded set repeats a value".to_string());
    }
    let mut own_values: Vec<(&[u8], u32)> =
        own.chunks_exact(POINT_BYTES).enumerate().map(|(i, v)| (v, i as u32)).collect();
    own_values.sort_unstable();
    if own_values.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err("this party's doubly blinded set, as returned by the peer, repeats a value".to_string());
    }
    // Both are sorted: a merge walk finds the common values already in canonical order.
    let mut positions = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < own_values.len() && j < peer_values.len() {
        match own_values[i].0.cmp(peer_values[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                positions.push(own_values[i].1);
                i += 1;
                j += 1;
            }
        }
    }
    Ok(positions)
}

fn decode(bytes: &[u8], index: usize) -> Result<RistrettoPoint, PointError> {
    let compressed = CompressedRistretto::from_slice(bytes).map_err(|_| PointError::Length { length: bytes.len() })?;
    let point = compressed.decompress().ok_or(PointError::NotAPoint { index })?;
    if point == RistrettoPoint::identity() {
        return Err(PointError::Identity { index });
    }
    Ok(point)
}

/// Writes the encodings of 2·P for every P (the caller multiplied by k/2), with one
/// shared inversion for the whole slice.
fn write_doubled(points: &[RistrettoPoint], out: &mut [u8]) {
    let encoded = RistrettoPoint::double_and_compress_batch(points);
    for (slot, value) in out.chunks_exact_mut(POINT_BYTES).zip(encoded.iter()) {
        slot.copy_from_slice(value.as_bytes());
    }
}

/// Splits `items` (and the matching 32-byte slots of `out`) over the available cores.
fn parallel_chunks<T: Sync, E: Send>(
    items: &[T],
    out: &mut [u8],
    work: impl Fn(&[T], &mut [u8]) -> Result<(), E> + Sync,
) -> Result<(), E> {
    if items.is_empty() {
        return Ok(());
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    // Below a few hundred points a thread costs more than it saves.
    let per_thread = items.len().div_ceil(threads).max(256);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .zip(out.chunks_mut(per_thread * POINT_BYTES))
            .map(|(items, out)| {
                let work = &work;
                scope.spawn(move || work(items, out))
            })
            .collect();
        let mut outcome = Ok(());
        for handle in handles {
            let result = match handle.join() {
                Ok(result) => result,
                // Let guard's catch_unwind report it, on the calling thread.
                Err(panic) => std::panic::resume_unwind(panic),
            };
            if outcome.is_ok() {
                outcome = result;
            }
        }
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_set(key: &BlindingKey, ids: &[&str]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut ends = Vec::new();
        for id in ids {
            bytes.extend_from_slice(id.as_bytes());
            ends.push(bytes.len());
        }
        hash_and_blind(key, b"test", &bytes, &ends).unwrap()
    }

    #[test]
    fn blinding_commutes_and_intersection_is_found() {
        let a = BlindingKey::generate().unwrap();
        let b = BlindingKey::generate().unwrap();
        let ids_a: Vec<String> = (0..1000).map(|i| format!("S{i}")).collect();
        let ids_b: Vec<String> = (500..1500).map(|i| format!("S{i}")).collect();
        let ra: Vec<&str> = ids_a.iter().map(String::as_str).collect();
        let rb: Vec<&str> = ids_b.iter().map(String::as_str).collect();
        let single_a = one_set(&a, &ra);
        let single_b = one_set(&b, &rb);
        let double_a = blind(&b, &single_a).unwrap();
        let double_b = blind(&a, &single_b).unwrap();
        let at_a = intersect(&double_a, &double_b).unwrap();
        let at_b = intersect(&double_b, &double_a).unwrap();
        assert_eq!(at_a.len(), 500);
        let names_a: Vec<&str> = at_a.iter().map(|&i| ra[i as usize]).collect();
        let names_b: Vec<&str> = at_b.iter().map(|&i| rb[i as usize]).collect();
        assert_eq!(names_a, names_b);
    }

    #[test]
    fn matches_plain_scalar_multiplication() {
        let k = BlindingKey::generate().unwrap();
        let p = RistrettoPoint::from_uniform_bytes(&uniform_bytes(b"test", b"x"));
        let blinded = one_set(&k, &["x"]);
        assert_eq!(&blinded[..], (p * k.scalar()).compress().as_bytes());
    }

    #[test]
    fn refuses_identity_and_garbage() {
        let k = BlindingKey::generate().unwrap();
        let mut chunk = one_set(&k, &["a", "b"]);
        chunk[32..].copy_from_slice(RistrettoPoint::identity().compress().as_bytes());
        assert_eq!(blind(&k, &chunk).unwrap_err(), PointError::Identity { index: 1 });
        chunk[..32].copy_from_slice(&[0xff; 32]);
        assert_eq!(blind(&k, &chunk).unwrap_err(), PointError::NotAPoint { index: 0 });
        assert_eq!(blind(&k, &chunk[..33]).unwrap_err(), PointError::Length { length: 33 });
    }
}
