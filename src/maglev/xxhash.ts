// clib_xxhash from src/vppinfra/xxhash.h: a one-round xxHash64-style mix of a single u64.
// Two implementations: a BigInt one that reads like the C (the reference, for tests and
// one-off use) and one on pairs of u32 that the table builder uses in its loop, because BigInt
// arithmetic allocates on every operation and is ~50x slower.

const MASK64 = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;
const SEED = (0x9e3779b97f4a7c13n + P5 + 8n) & MASK64;

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK64;
}

/** VPP's clib_xxhash(key), all arithmetic mod 2^64. The reference implementation. */
export function clibXxhash(key: bigint): bigint {
  let k1 = BigInt.asUintN(64, key);
  let h64 = SEED;
  k1 = (k1 * P2) & MASK64;
  k1 = rotl64(k1, 31n);
  k1 = (k1 * P1) & MASK64;
  h64 ^= k1;
  h64 = (rotl64(h64, 27n) * P1 + P4) & MASK64;
  h64 ^= h64 >> 33n;
  h64 = (h64 * P2) & MASK64;
  h64 ^= h64 >> 29n;
  h64 = (h64 * P3) & MASK64;
  h64 ^= h64 >> 32n;
  return h64;
}

// ---- the u32-pair implementation ----------------------------------------------------------

const hiOf = (x: bigint) => Number(x >> 32n) >>> 0;
const loOf = (x: bigint) => Number(x & 0xffffffffn) >>> 0;
const P1_HI = hiOf(P1);
const P1_LO = loOf(P1);
const P2_HI = hiOf(P2);
const P2_LO = loOf(P2);
const P3_HI = hiOf(P3);
const P3_LO = loOf(P3);
const P4_HI = hiOf(P4);
const P4_LO = loOf(P4);
const SEED_HI = hiOf(SEED);
const SEED_LO = loOf(SEED);
const TWO_32 = 4294967296; // for the carry of a 32-bit add

// Result registers of mul64, so the hot path allocates nothing.
let mulHi = 0;
let mulLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64, into mulHi:mulLo, with 16-bit limbs so nothing exceeds 2^32. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p10 = a1 * b0;
  const p01 = a0 * b1;
  // Carry out of the low word of aLo*bLo, from the partial products that straddle bit 32.
  const mid = (p00 >>> 16) + (p10 & 0xffff) + (p01 & 0xffff);
  // The cross terms aHi*bLo and aLo*bHi only matter mod 2^32: Math.imul gives exactly that.
  mulHi =
    (a1 * b1 + (p10 >>> 16) + (p01 >>> 16) + (mid >>> 16) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  mulLo = Math.imul(aLo, bLo) >>> 0;
}

/** Output registers of clibXxhashParts: read them right after the call. */
export const xxhashOut = { hi: 0, lo: 0 };

/**
 * clib_xxhash of the u64 keyHi:keyLo, result in xxhashOut.hi / xxhashOut.lo (u32 each).
 * Bit-exact with clibXxhash; allocation-free.
 */
export function clibXxhashParts(keyLo: number, keyHi: number): void {
  // k1 = key * P2
  mul64(keyHi >>> 0, keyLo >>> 0, P2_HI, P2_LO);
  // k1 = rotl64(k1, 31)
  let hi = ((mulHi << 31) | (mulLo >>> 1)) >>> 0;
  let lo = ((mulLo << 31) | (mulHi >>> 1)) >>> 0;
  // k1 *= P1; h64 = SEED ^ k1
  mul64(hi, lo, P1_HI, P1_LO);
  hi = (mulHi ^ SEED_HI) >>> 0;
  lo = (mulLo ^ SEED_LO) >>> 0;
  // h64 = rotl64(h64, 27) * P1 + P4
  const rHi = ((hi << 27) | (lo >>> 5)) >>> 0;
  const rLo = ((lo << 27) | (hi >>> 5)) >>> 0;
  mul64(rHi, rLo, P1_HI, P1_LO);
  const sumLo = mulLo + P4_LO;
  hi = (mulHi + P4_HI + (sumLo >= TWO_32 ? 1 : 0)) >>> 0;
  lo = sumLo >>> 0;
  // h64 ^= h64 >> 33
  lo = (lo ^ (hi >>> 1)) >>> 0;
  // h64 *= P2
  mul64(hi, lo, P2_HI, P2_LO);
  hi = mulHi;
  lo = mulLo;
  // h64 ^= h64 >> 29
  lo = (lo ^ ((lo >>> 29) | (hi << 3))) >>> 0;
  hi = (hi ^ (hi >>> 29)) >>> 0;
  // h64 *= P3
  mul64(hi, lo, P3_HI, P3_LO);
  // h64 ^= h64 >> 32
  xxhashOut.hi = mulHi;
  xxhashOut.lo = (mulLo ^ mulHi) >>> 0;
}
