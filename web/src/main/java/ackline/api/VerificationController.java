package ackline.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.verify.EvidenceVerifier;
import ackline.evidence.verify.VerificationRun;
import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** API v1 for evidence integrity: the last verification runs, and a run started now. */
@RestController
@RequestMapping("/api/v1/evidence/verification")
class VerificationController {

	private final EvidenceVerifier verifier;

	VerificationController(EvidenceVerifier verifier) {
		this.verifier = verifier;
	}

	@GetMapping
	List<VerificationRun> runs(@RequestParam(defaultValue = "20") int limit) {
		if (limit < 1 || limit > 500) {
			throw new InvalidRequestException("invalid-parameter",
					List.of(FieldError.of("limit", "limit.invalid", "must be between 1 and 500", 500)));
		}
		return verifier.lastRuns(limit);
	}

	/** Starts a run in the background: {@code 202 {id}}; it is listed at once, without {@code finishedAt} until done. */
	@PostMapping
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> start(Authentication user) {
		UUID id = verifier.start(user.getName());
		return Map.of("id", id, "state", "RUNNING");
	}

}
