// A seeded stream of numbers in [0, 1), for what must come out the same for the same seed: a bootstrap's
// resamples, a random search's settings. mulberry32: a 32-bit state and a few integer operations per draw,
// which matters at the 40 million draws of a 10,000 × 2,000-trade bootstrap; its quality is plenty for
// picking indices and values.
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
