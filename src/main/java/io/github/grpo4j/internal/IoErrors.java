package io.github.grpo4j.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The reason an I/O operation failed, for one-line error messages ("cannot create X: reason").
 *
 * <p>{@link Exception#getMessage()} is not a reason for Java's file exceptions: a
 * {@link FileAlreadyExistsException}'s message is the path alone, so "cannot create X: " + message
 * read "cannot create X: X". Jackson's messages carry a "[Source: REDACTED ...]" location block instead
 * of a plain line and column.
 */
public final class IoErrors {
    private IoErrors() {}

    /**
     * What went wrong, without repeating the path the caller names: e.g. "a file, not a directory, is in
     * the way (runs/x)", "permission denied (runs)", or for JSON "line 3, column 7: Unexpected character
     * ('}' (code 125)): was expecting double-quote to start field name".
     */
    public static String reason(Throwable e) {
        if (e instanceof JsonProcessingException j) {
            String msg = firstLine(j.getOriginalMessage());
            JsonLocation at = j.getLocation();
            return at == null || at.getLineNr() < 0 ? msg : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + msg;
        }
        if (e instanceof FileSystemException f) {
            String what;
            if (e instanceof NoSuchFileException) {
                what = "no such file or directory";
            } else if (e instanceof FileAlreadyExistsException) {
                what = "a file of that name already exists";
            } else if (e instanceof AccessDeniedException) {
                what = "permission denied";
            } else if (e instanceof NotDirectoryException) {
                what = "not a directory";
            } else if (e instanceof DirectoryNotEmptyException) {
                what = "directory not empty";
            } else {
                what = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            }
            if (f.getReason() != null && !what.equals(f.getReason())) {
                what += ", " + f.getReason();
            }
            String files = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            return files.isEmpty() ? what : what + " (" + files + ")";
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : firstLine(msg);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int source = s.indexOf(" at [Source:");
        String cut = source >= 0 ? s.substring(0, source) : s;
        return cut.lines().findFirst().orElse("").strip();
    }
}
