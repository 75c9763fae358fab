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

	/**
	 * Stores a file's content (a call recording) without holding it in memory where the store can stream; the file
	 * itself is left alone (the caller deletes it once this returns).
	 */
	default StoredEvidence storeFile(EvidenceKind kind, String contentType, java.nio.file.Path file, EvidenceLinks links) {
		try {
			return store(new NewEvidence(kind, contentType, java.nio.file.Files.readAllBytes(file), links));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException("cannot read " + file, ex);
		}
	}

	/** Stores several bodies at once, in order; a store may do this in fewer round trips. */
	default List<StoredEvidence> storeAll(List<NewEvidence> evidence) {
		return evidence.stream().map(this::store).toList();
	}

	/** Metadata of one piece of evidence. */
	Optional<StoredEvidence> find(UUID id);

	/** Metadata of every piece of evidence linked to a notice, oldest first. */
	List<StoredEvidence> forNotice(UUID noticeId);

	/**
	 * Metadata of every piece of evidence matching each non-null part of {@code filter} (client, notice, task, call,
	 * agent), oldest first; for exports. A filter with no part set matches nothing.
	 */
	List<StoredEvidence> linkedTo(EvidenceLinks filter);

	/**
	 * Metadata of up to {@code limit} pieces of evidence in id order, starting after {@code afterId} (null: from the
	 * first); for verification walking the whole store in windows.
	 */
	List<StoredEvidence> listAfter(UUID afterId, int limit);

	/** The unaltered body, re-hashed against the stored SHA-256 before it is returned. */
	byte[] read(UUID id);

	/**
	 * Bytes {@code [offset, offset + length)} of the body, for playback with seeking (HTTP Range); shorter at the end
	 * of the body. Not re-hashed (a part cannot be): integrity is checked by {@link #read(UUID)} and verification.
	 */
	default java.io.InputStream openRange(UUID id, long offset, long length) {
		byte[] body = read(id);
		int from = (int) Math.min(offset, body.length);
		int to = (int) Math.min(body.length, from + Math.max(0, length));
		return new java.io.ByteArrayInputStream(body, from, to - from);
	}

	/**
	 * Sets or lifts a legal hold (kept beyond retention while on), with who and why; every change is kept.
	 * Lifting never shortens retention.
	 */
	void setLegalHold(UUID id, boolean on, String reason, String by);

	/**
	 * The object's Object Lock state as the object store reports it now (mode, retain-until, legal hold), for
	 * verification that retention is enforced where the body is and not only recorded. Empty when the body is not
	 * under per-object retention in an object store: a store without one (PostgreSQL, where a trigger refuses changes)
	 * or a body still waiting in PostgreSQL for object storage.
	 */
	default Optional<ObjectLockState> objectLockAtStore(UUID id) {
		return Optional.empty();
	}

	/**
	 * A URL from which the body can be fetched directly (HTTP GET, no credentials) for {@code ttl} (whole seconds,
	 * counted from when it is signed, which is when this is called); empty when
	 * the store cannot give one (PostgreSQL, or a body still waiting in PostgreSQL for object storage). The caller
	 * decides whether such URLs may be handed out at all, and audits it.
	 */
	default Optional<java.net.URI> presignedGet(UUID id, java.time.Duration ttl) {
		return Optional.empty();
	}

}
