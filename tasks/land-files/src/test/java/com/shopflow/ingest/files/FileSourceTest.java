package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
    @TempDir
    Path dir;

    private DropFile planned(Path f) throws Exception {
        String stamp = FileSource.stamp(f);
        return new DropFile("2026-11-23/" + f.getFileName(), f, Files.size(f), FileSource.sha256(f), stamp, List.of());
    }

    @Test
    void shouldAcceptTheFileAsPlanned() throws Exception {
        Path f = Files.writeString(dir.resolve("a.csv"), "order_ref\nA1\n");
        DropFile p = planned(f);
        try (FileSource s = FileSource.open(p, 1 << 20)) {
            s.data().readAllBytes();
            assertDoesNotThrow(s::verify);
        }
    }

    @Test
    void shouldNoticeAFileRewrittenInPlaceWithTheSameSize() throws Exception {
        Path f = Files.writeString(dir.resolve("a.csv"), "order_ref\nA1\n");
        DropFile p = planned(f);
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5_000));
        Files.writeString(f, "order_ref\nB2\n");
        try (FileSource s = FileSource.open(p, 1 << 20)) {
            IngestException e = assertThrows(IngestException.class, s::verify);
            assertEquals(ErrorCode.NOT_READY, e.code(), "retryable: the partner may still be writing");
        }
    }

    @Test
    void shouldNoticeAFileReplacedByRenameEvenWithTheOldModificationTime() throws Exception {
        Path f = Files.writeString(dir.resolve("a.csv"), "order_ref\nA1\n");
        DropFile p = planned(f);
        Path next = Files.writeString(dir.resolve("a.csv.tmp"), "order_ref\nB2\n");
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(f));
        Files.move(next, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileSource s = FileSource.open(p, 1 << 20)) {
            assertThrows(IngestException.class, s::verify, "same size and time, another inode");
        }
    }
}
