package ackline.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ackline.audit.AuditEntry;
import ackline.audit.AuditLog;
import ackline.audit.AuditQuery;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * API v1 for the access audit (auditors and admins): list entries, and recompute the hash chain. Reading the audit
 * log is itself audited, after the answer is computed, so the answer never contains its own entry.
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

	private final AuditLog audit;

	AuditController(AuditLog audit) {
		this.audit = audit;
	}

	@GetMapping
	List<AuditEntry> list(@RequestParam(required = false) String objectId, @RequestParam(required = false) String actor,
			@RequestParam(required = false) String action, @RequestParam(required = false) Instant from,
			@RequestParam(required = false) Instant to, @RequestParam(required = false) Integer limit,
			Authentication user) {
		if (limit != null && (limit < 1 || limit > AuditQuery.MAX_LIMIT)) {
			throw new EvidenceRequestRejected("limit", "limit.invalid",
					"limit must be between 1 and " + AuditQuery.MAX_LIMIT, AuditQuery.MAX_LIMIT);
		}
		AuditQuery query = new AuditQuery(blankToNull(objectId), blankToNull(actor), blankToNull(action), from, to,
				limit);
		List<AuditEntry> entries = audit.find(query);
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("query", query);
		detail.put("entries", entries.size());
		audit.append(user.getName(), "AUDIT_READ", "AUDIT", null, detail);
		return entries;
	}

	@GetMapping("/verify")
	Map<String, Object> verify(Authentication user) {
		AuditLog.Verification v = audit.verify();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ok", v.ok());
		body.put("entries", v.entries());
		if (!v.ok()) {
			body.put("firstBrokenSeq", v.firstBrokenSeq());
			body.put("reason", v.reason());
		}
		Map<String, Object> detail = new LinkedHashMap<>(body);
		detail.put("operation", "verify");
		audit.append(user.getName(), "AUDIT_READ", "AUDIT", null, detail);
		return body;
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}

}
