package ackline.api;

import java.util.Map;
import java.util.UUID;

import ackline.callback.CallbackNotFound;
import ackline.callback.CallbackQueries;
import ackline.callback.Dialer;
import ackline.quality.Scorecards;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** API v1 for calls: the timeline of one call, and hanging up. */
@RestController
@RequestMapping("/api/v1/calls")
class CallController {

	private final CallbackQueries queries;

	private final Dialer dialer;

	private final Scorecards scorecards;

	private final java.time.Duration hangupWait;

	CallController(CallbackQueries queries, Dialer dialer, Scorecards scorecards,
			@org.springframework.beans.factory.annotation.Value("${ackline.callbacks.hangup-wait:5s}") java.time.Duration hangupWait) {
		this.hangupWait = hangupWait;
		this.queries = queries;
		this.dialer = dialer;
		this.scorecards = scorecards;
	}

	@GetMapping("/{id}")
	Map<String, Object> get(@PathVariable UUID id, Authentication user) {
		Map<String, Object> call = queries.call(id).orElseThrow(() -> new CallbackNotFound("call", id));
		if (Roles.isOnlyAgent(user) && !user.getName().equals(call.get("agentId"))) {
			throw new CallbackNotFound("call", id);
		}
		Map<String, Object> view = new java.util.LinkedHashMap<>(call);
		view.put("scorecard", ScorecardController.summary(scorecards.summaries(java.util.List.of(id)).get(id)));
		return view;
	}

	/**
	 * 200 {@code {callId, state: ENDED, taskState}} once the PBX confirmed the hang-up and the task moved on (WRAP_UP
	 * for an answered call: the disposition can be recorded at once), within {@code ackline.callbacks.hangup-wait}
	 * (5 s); 202 when it has not yet (the call ends when the PBX says so).
	 */
	@PostMapping("/{id}/hangup")
	ResponseEntity<Map<String, Object>> hangup(@PathVariable UUID id, Authentication user) {
		java.util.Optional<String> task = dialer.hangupAndWait(id, user.getName(),
				Roles.has(user, "SUPERVISOR") || Roles.has(user, "ADMIN"), hangupWait);
		if (task.isEmpty()) {
			return ResponseEntity.accepted().body(Map.of("callId", id, "state", "HANGING_UP"));
		}
		Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("callId", id);
		body.put("state", "ENDED");
		body.put("taskState", task.get().isEmpty() ? null : task.get());
		return ResponseEntity.ok(body);
	}

}
