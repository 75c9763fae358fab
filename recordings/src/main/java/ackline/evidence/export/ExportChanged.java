package ackline.evidence.export;

import java.time.Instant;
import java.util.UUID;

/** An evidence export was queued, started, progressed, finished, failed or expired: its requester's console follows. */
public record ExportChanged(UUID exportId, String requestedBy, ExportState state, Instant at) {
}
