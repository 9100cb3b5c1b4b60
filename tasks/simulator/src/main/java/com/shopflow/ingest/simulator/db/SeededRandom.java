package com.shopflow.ingest.simulator.db;

/**
 * SplitMix64: a tiny, fast, resettable generator. Every generated row reseeds it from (seed, stream, id), so a
 * row's content depends only on those and not on the order or the amount of generation before it.
 */
public final class SeededRandom {
    private long state;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** A well-mixed seed from several parts, e.g. {@code mix(seed, TABLE_TAG, id)}. */
    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = scramble(h ^ scramble(p + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    public SeededRandom reset(long seed) {
        this.state = seed;
        return this;
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return scramble(state);
    }

    /** Uniform in [0, bound) for bound > 0. */
    public long nextLong(long bound) {
        return Math.floorMod(nextLong(), bound);
    }

    public int nextInt(int bound) {
        return (int) nextLong(bound);
    }

    /** True with probability 1 / n. */
    public boolean oneIn(int n) {
        return nextInt(n) == 0;
    }

    public <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }

    private static long scramble(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
