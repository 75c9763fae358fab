package ackline.evidence;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps evidence (留痕) unaltered: stores a body once with its SHA-256 and never overwrites or deletes it.
 *
 * <p>Implementations must take part in the caller's database transaction when they record metadata, so
 * that a reply and its evidence are written together or not at all.
 */
public interface EvidenceStore {

	/** Stores the body and its metadata; returns what was stored, with the computed SHA-256. */
	StoredEvidence store(NewEvidence evidence);

	/** Stores several bodies at once, in order; a store may do this in fewer round trips. */
	default List<StoredEvidence> storeAll(List<NewEvidence> evidence) {
		return evidence.stream().map(this::store).toList();
	}

	/** Metadata of one piece of evidence. */
	Optional<StoredEvidence> find(UUID id);

	/** Metadata of every piece of evidence linked to a notice, oldest first. */
	List<StoredEvidence> forNotice(UUID noticeId);

	/** The unaltered body, re-hashed against the stored SHA-256 before it is returned. */
	byte[] read(UUID id);

}
