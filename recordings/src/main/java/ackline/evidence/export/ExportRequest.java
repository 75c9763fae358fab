package ackline.evidence.export;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import ackline.evidence.EvidenceLinks;
import ackline.validation.FieldError;

/** What to export: the evidence of exactly one client, notice or call-back task. */
public record ExportRequest(String clientId, UUID noticeId, UUID taskId) {

	/** Refuses a request naming none of the three, or more than one, with the field to fix. */
	public ExportRequest validated() {
		List<String> given = new ArrayList<>();
		if (clientId != null && !clientId.isBlank()) {
			given.add("clientId");
		}
		else if (clientId != null) {
			throw new ExportRejected(List.of(FieldError.of("clientId", "required", "must not be blank")));
		}
		if (noticeId != null) {
			given.add("noticeId");
		}
		if (taskId != null) {
			given.add("taskId");
		}
		if (given.isEmpty()) {
			throw new ExportRejected(List.of(FieldError.of("clientId", "export.one-of",
					"one of clientId, noticeId or taskId is required")));
		}
		if (given.size() > 1) {
			throw new ExportRejected(List.of(FieldError.of(given.get(1), "export.only-one",
					"give only one of clientId, noticeId or taskId", given.get(0))));
		}
		return this;
	}

	EvidenceLinks links() {
		return new EvidenceLinks(clientId, noticeId, taskId, null, null);
	}

}
