package ackline.evidence;

import java.util.Objects;

/** A body to keep as evidence, as received or sent, byte for byte. */
public record NewEvidence(EvidenceKind kind, String contentType, byte[] body, EvidenceLinks links) {

	public NewEvidence {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(contentType, "contentType");
		Objects.requireNonNull(body, "body");
		links = links == null ? EvidenceLinks.none() : links;
	}

}
