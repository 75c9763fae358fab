package ackline.api;

import java.util.List;
import java.util.Map;

import ackline.callback.CallbackQueries;
import ackline.callback.CallbackRejected;
import ackline.callback.Dialer;
import ackline.validation.FieldError;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API v1 for agents in the call-back queue: my state, my next task; supervisors list everyone. */
@RestController
@RequestMapping("/api/v1/agents")
class AgentController {

	private final Dialer dialer;

	private final CallbackQueries queries;

	AgentController(Dialer dialer, CallbackQueries queries) {
		this.dialer = dialer;
		this.queries = queries;
	}

	/** {@code state}: AVAILABLE, PAUSED (with {@code reason}) or OFFLINE; {@code mode}: PREVIEW or PROGRESSIVE. */
	record StateRequest(String state, String reason, String mode) {
	}

	@PutMapping("/me/state")
	Dialer.AgentView setState(@RequestBody StateRequest request, Authentication user) {
		if (request == null) {
			throw new CallbackRejected(List.of(FieldError.of("state", "body.required", "a body is required")));
		}
		return dialer.setState(user.getName(), request.state(), request.reason(), request.mode());
	}

	@GetMapping("/me")
	ResponseEntity<Dialer.AgentView> me(Authentication user) {
		return ResponseEntity.of(dialer.agent(user.getName()));
	}

	@PostMapping("/me/next")
	ResponseEntity<Map<String, Object>> next(Authentication user) {
		return dialer.next(user.getName())
			.flatMap(queries::task)
			.map(ResponseEntity::ok)
			.orElseGet(() -> ResponseEntity.noContent().build());
	}

	/** The next tasks the dialer would offer me, in its order, without offering them; {@code limit} 1 to 50. */
	@GetMapping("/me/queue")
	List<Dialer.QueuedTask> queue(@RequestParam(defaultValue = "10") int limit, Authentication user) {
		if (limit < 1 || limit > 50) {
			throw new CallbackRejected(List.of(FieldError.of("limit", "size.invalid", "must be 1 to 50", 50)));
		}
		return dialer.preview(user.getName(), limit);
	}

	@GetMapping
	List<Dialer.AgentView> all() {
		return dialer.agents();
	}

}
