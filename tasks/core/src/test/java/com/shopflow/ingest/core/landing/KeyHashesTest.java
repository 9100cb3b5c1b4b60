package com.shopflow.ingest.core.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHashesTest {
    private static void add(KeyHashes k, String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        k.add(b, 0, b.length);
    }

    private static long hash(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return KeyHashes.hash(b, 0, b.length);
    }

    @Test
    void shouldFindExactlyTheRepeatedKeysAcrossSpilledRuns() {
        Set<Long> expected = new HashSet<>();
        try (KeyHashes k = new KeyHashes(1_000, 10_000)) { // 1,000 keys per run: 100 runs on disk
            for (int i = 0; i < 100_000; i++) {
                add(k, "MP-" + i);
                if (i % 997 == 0) {
                    add(k, "MP-" + (i / 2)); // repeats a key seen earlier, usually in another run
                    expected.add(hash("MP-" + (i / 2)));
                }
            }
            assertEquals(expected, k.repeated());
        }
    }

    @Test
    void shouldFindNoneWhenEveryKeyIsUnique() {
        try (KeyHashes k = new KeyHashes(4_096, 10)) {
            for (int i = 0; i < 20_000; i++) {
                add(k, "MP-" + i);
            }
            assertEquals(Set.of(), k.repeated());
        }
    }

    @Test
    void shouldGiveUpPastTheLimitRatherThanGrow() {
        try (KeyHashes k = new KeyHashes(64, 100)) {
            for (int i = 0; i < 1_000; i++) {
                add(k, "k" + (i % 300));
            }
            assertNull(k.repeated(), "too many to name: the publish searches everything");
        }
    }
}
