package ackline.api;

import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import ackline.callback.CallbackQueries;
import ackline.escalation.Escalations;
import ackline.notice.NoticeIntake;
import ackline.notice.NoticeQueries;
import ackline.notice.NoticeRejected;
import ackline.notice.NoticeRequest;
import ackline.notice.NoticeStatus;
import ackline.notice.NoticeType;
import ackline.validation.FieldError;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API v1 for notices: upstream systems submit, operators read. */
@RestController
@RequestMapping("/api/v1/notices")
class NoticeController {

	private final NoticeIntake intake;

	private final NoticeQueries queries;

	private final Escalations escalations;

	private final CallbackQueries calls;

	NoticeController(NoticeIntake intake, NoticeQueries queries, Escalations escalations, CallbackQueries calls) {
		this.intake = intake;
		this.queries = queries;
		this.escalations = escalations;
		this.calls = calls;
	}

	@PostMapping
	ResponseEntity<Map<String, Object>> submit(@RequestBody NoticeRequest request, Principal principal) {
		NoticeIntake.Accepted accepted = intake.accept(request, principal.getName());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", accepted.id());
		body.put("status", accepted.status());
		body.put("created", accepted.created());
		if (accepted.requestDiffers()) {
			body.put("requestDiffers", true);
		}
		return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/notices/" + accepted.id())).body(body);
	}

	@PostMapping("/batch")
	ResponseEntity<BatchResponse> batch(@RequestBody BatchRequest request, Principal principal) {
		if (request == null || request.notices() == null) {
			throw new NoticeRejected(List.of(FieldError.of("notices", "notices.required", "is required: a list of notices")));
		}
		List<NoticeIntake.Result> results = intake.acceptBatch(request.notices(), principal.getName());
		List<BatchItem> items = new ArrayList<>();
		int accepted = 0;
		for (int i = 0; i < results.size(); i++) {
			NoticeIntake.Result r = results.get(i);
			if (r.accepted() != null) {
				accepted++;
				items.add(new BatchItem(i, r.accepted().id(), r.accepted().status().name(), r.accepted().created(), null));
			}
			else {
				items.add(new BatchItem(i, null, "REJECTED", false, r.errors()));
			}
		}
		HttpStatus status = accepted > 0 ? HttpStatus.ACCEPTED : HttpStatus.BAD_REQUEST;
		return ResponseEntity.status(status).body(new BatchResponse(accepted, results.size() - accepted, items));
	}

	@GetMapping("/{id}")
	NoticeView get(@PathVariable UUID id) {
		NoticeQueries.NoticeDetail d = queries.get(id);
		List<Map<String, Object>> steps = escalations.steps(id);
		List<Map<String, Object>> noticeCalls = calls.callsForNotice(id);
		return new NoticeView(d.notice(), d.attempts(), d.acknowledgement(), d.replies(), d.history(), d.evidence(),
				steps.isEmpty() ? null : steps, noticeCalls.isEmpty() ? null : noticeCalls);
	}

	@GetMapping
	NoticeQueries.Page list(@RequestParam(required = false) String clientId,
			@RequestParam(required = false) String status, @RequestParam(required = false) String type,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		List<FieldError> errors = new ArrayList<>();
		NoticeStatus st = parse(NoticeStatus.class, "status", status, errors);
		NoticeType ty = parse(NoticeType.class, "type", type, errors);
		if (page < 0) {
			errors.add(FieldError.of("page", "page.invalid", "must be 0 or more"));
		}
		if (size < 1 || size > 500) {
			errors.add(FieldError.of("size", "size.invalid", "must be between 1 and 500", 500));
		}
		if (!errors.isEmpty()) {
			throw new NoticeRejected(errors);
		}
		return queries.list(clientId, st, ty, page, size);
	}

	private static <E extends Enum<E>> E parse(Class<E> type, String field, String value,
			List<FieldError> errors) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			errors.add(FieldError.of(field, "enum.unknown",
					"'" + value + "' is not one of " + List.of(type.getEnumConstants()), value,
					List.of(type.getEnumConstants())));
			return null;
		}
	}

	/** The batch body: {@code {"notices": [...]}}. */
	record BatchRequest(List<NoticeRequest> notices) {
	}

	/** What became of each item, in the order submitted. */
	record BatchResponse(int accepted, int rejected, List<BatchItem> results) {
	}

	record BatchItem(int index, UUID id, String status, boolean created, List<FieldError> errors) {
	}

	/** A notice with everything that happened to it, flat for API callers. */
	record NoticeView(@JsonUnwrapped NoticeQueries.NoticeSummary notice, List<NoticeQueries.Attempt> attempts,
			NoticeQueries.Acknowledgement acknowledgement, List<NoticeQueries.Reply> replies,
			List<NoticeQueries.Event> history, List<NoticeQueries.Evidence> evidence,
			@JsonInclude(JsonInclude.Include.NON_NULL) List<Map<String, Object>> escalation,
			@JsonInclude(JsonInclude.Include.NON_NULL) List<Map<String, Object>> calls) {
	}

}
