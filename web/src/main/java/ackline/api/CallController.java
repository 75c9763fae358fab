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

	CallController(CallbackQueries queries, Dialer dialer, Scorecards scorecards) {
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

	@PostMapping("/{id}/hangup")
	ResponseEntity<Void> hangup(@PathVariable UUID id, Authentication user) {
		dialer.hangup(id, user.getName(), Roles.has(user, "SUPERVISOR") || Roles.has(user, "ADMIN"));
		return ResponseEntity.accepted().build();
	}

}
