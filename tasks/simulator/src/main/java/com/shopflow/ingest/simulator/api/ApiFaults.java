package com.shopflow.ingest.simulator.api;

/**
 * The faults the products API plays, switchable while it runs ({@link ProductsApiServer#setFaults}).
 * Rates are probabilities per request (or per item), drawn from a generator seeded by the catalog seed,
 * so a fault pattern replays; the {@code every} variants fail exactly every n-th request.
 *
 * @param errorRate      share of authorised requests answered 500, 502 or 503 (in turn)
 * @param errorEvery     every n-th authorised request is answered with a 5xx (0: off)
 * @param dropRate       share of requests whose connection is reset halfway through the answer
 * @param dropEvery      every n-th authorised request is cut halfway (0: off)
 * @param duplicateRate  chance that an item is repeated right after itself, and that a page starts by
 *                       repeating the last item of the page before
 * @param editsPerPage   products of each served page (when another page follows) edited at once: their
 *                       {@code updated_at} moves forward, still before {@code updated_before}, so the same
 *                       pagination meets them again with a newer version
 * @param newFields      items carry fields beyond the documented ones
 * @param malformed      what a malformed answer looks like
 * @param malformedPage  which page of each pagination (1-based) is malformed
 */
public record ApiFaults(double errorRate, int errorEvery, double dropRate, int dropEvery, double duplicateRate,
                        int editsPerPage, boolean newFields, Malformed malformed, int malformedPage) {

    /** How a malformed page is broken. */
    public enum Malformed {
        NONE, INVALID_JSON, MISSING_ID, MISSING_UPDATED_AT;

        public static Malformed parse(String s) {
            return s == null || s.isBlank() ? NONE : valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    public ApiFaults {
        if (malformed == null) {
            malformed = Malformed.NONE;
        }
        if (malformedPage < 1) {
            malformedPage = 1;
        }
    }

    public static ApiFaults none() {
        return new ApiFaults(0, 0, 0, 0, 0, 0, false, Malformed.NONE, 1);
    }

    public ApiFaults withErrors(double rate, int every) {
        return new ApiFaults(rate, every, dropRate, dropEvery, duplicateRate, editsPerPage, newFields, malformed, malformedPage);
    }

    public ApiFaults withDrops(double rate, int every) {
        return new ApiFaults(errorRate, errorEvery, rate, every, duplicateRate, editsPerPage, newFields, malformed, malformedPage);
    }

    public ApiFaults withDuplicates(double rate) {
        return new ApiFaults(errorRate, errorEvery, dropRate, dropEvery, rate, editsPerPage, newFields, malformed, malformedPage);
    }

    public ApiFaults withEdits(int perPage) {
        return new ApiFaults(errorRate, errorEvery, dropRate, dropEvery, duplicateRate, perPage, newFields, malformed, malformedPage);
    }

    public ApiFaults withNewFields(boolean on) {
        return new ApiFaults(errorRate, errorEvery, dropRate, dropEvery, duplicateRate, editsPerPage, on, malformed, malformedPage);
    }

    public ApiFaults withMalformed(Malformed how, int page) {
        return new ApiFaults(errorRate, errorEvery, dropRate, dropEvery, duplicateRate, editsPerPage, newFields, how, page);
    }
}
