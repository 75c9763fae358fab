package ackline.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of the access audit: who did what to which object, chained to the entry before it.
 * @param seq position in the chain (gaps are possible: a rolled-back append uses up its number)
 * @param at when, to the microsecond
 * @param objectId the object acted on (for evidence its id), or null (a search)
 * @param detail what else matters (a filter, a byte range, a reason); never null
 * @param prevHash the previous entry's {@code hash}, 64 zeros for the first entry
 * @param hash SHA-256 (hex) over this entry's canonical text, see {@link AuditLog}
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String objectType, String objectId,
		Map<String, Object> detail, String prevHash, String hash) {
}
