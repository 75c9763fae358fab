package ackline.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import ackline.audit.AuditLog;
import ackline.evidence.EvidenceStore;
import ackline.evidence.StoredEvidence;

import org.springframework.security.core.Authentication;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API v1 for what may and may not be done to stored evidence: an auditor sets and lifts legal holds; deleting
 * evidence or changing its retention is refused for everybody (admins included) and each attempt is audited.
 */
@RestController
@RequestMapping("/api/v1/evidence")
class EvidenceController {

	static final String OBJECT_TYPE = "EVIDENCE";

	private final EvidenceStore evidence;

	private final AuditLog audit;

	private final TransactionTemplate tx;

	EvidenceController(EvidenceStore evidence, AuditLog audit, PlatformTransactionManager transactions) {
		this.evidence = evidence;
		this.audit = audit;
		this.tx = new TransactionTemplate(transactions);
	}

	/** {@code hold}: true sets a legal hold, false lifts it; {@code reason}: why, required. */
	record LegalHoldRequest(Boolean hold, String reason) {
	}

	/** {@code retainUntil}: an ISO-8601 date (midnight UTC) or instant. */
	record RetentionRequest(String retainUntil) {
	}

	@PutMapping("/{id}/legal-hold")
	Map<String, Object> legalHold(@PathVariable UUID id, @RequestBody LegalHoldRequest request, Authentication user) {
		if (request.hold() == null) {
			throw new EvidenceRequestRejected("hold", "hold.required", "hold is required");
		}
		if (request.reason() == null || request.reason().isBlank()) {
			throw new EvidenceRequestRejected("reason", "reason.required", "reason is required");
		}
		evidence.find(id).orElseThrow(() -> new EvidenceNotFound(id));
		String reason = request.reason().strip();
		// the hold and its audit entry are written together or not at all
		tx.executeWithoutResult(status -> {
			evidence.setLegalHold(id, request.hold(), reason, user.getName());
			audit.append(user.getName(), request.hold() ? "LEGAL_HOLD_SET" : "LEGAL_HOLD_LIFTED", OBJECT_TYPE,
					id.toString(), Map.of("reason", reason));
		});
		return view(evidence.find(id).orElseThrow(() -> new EvidenceNotFound(id)));
	}

	@DeleteMapping("/{id}")
	void delete(@PathVariable UUID id, Authentication user) {
		boolean exists = evidence.find(id).isPresent();
		audit.append(user.getName(), "EVIDENCE_DELETE_REFUSED", OBJECT_TYPE, id.toString(), Map.of("exists", exists));
		if (!exists) {
			throw new EvidenceNotFound(id);
		}
		throw new EvidenceRefused("evidence.immutable", id, "evidence " + id + " cannot be deleted by anybody");
	}

	@PutMapping("/{id}/retention")
	Map<String, Object> retention(@PathVariable UUID id, @RequestBody RetentionRequest request, Authentication user) {
		if (request.retainUntil() == null || request.retainUntil().isBlank()) {
			throw new EvidenceRequestRejected("retainUntil", "retain-until.required", "retainUntil is required");
		}
		Instant asked = instant(request.retainUntil().strip());
		StoredEvidence stored = evidence.find(id).orElseThrow(() -> new EvidenceNotFound(id));
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("asked", asked);
		detail.put("retainUntil", stored.retainUntil());
		if (stored.retainUntil() == null || asked.isBefore(stored.retainUntil())) {
			audit.append(user.getName(), "RETENTION_SHORTEN_REFUSED", OBJECT_TYPE, id.toString(), detail);
			throw new EvidenceRefused("retention.shorten-refused", id,
					"the retention of evidence " + id + " cannot be shortened");
		}
		audit.append(user.getName(), "RETENTION_EXTEND_REFUSED", OBJECT_TYPE, id.toString(), detail);
		throw new EvidenceRefused("retention.extend-unsupported", id,
				"extending retention is the object store's business and not offered yet; use a legal hold");
	}

	private static Instant instant(String text) {
		try {
			return text.length() <= 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
					: Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new EvidenceRequestRejected("retainUntil", "retain-until.invalid", "not an ISO-8601 date or instant",
					text);
		}
	}

	private static Map<String, Object> view(StoredEvidence e) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("id", e.id());
		v.put("kind", e.kind());
		v.put("sha256", e.sha256());
		v.put("size", e.size());
		v.put("storedAt", e.storedAt());
		v.put("retainUntil", e.retainUntil());
		v.put("legalHold", e.legalHold());
		v.put("links", e.links());
		return v;
	}

}
