package ackline.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.audit.AuditLog;
import ackline.callback.CallbackNotFound;
import ackline.callback.CallbackQueries;
import ackline.quality.Criterion;
import ackline.quality.ScorecardRequest;
import ackline.quality.Scorecards;

import org.springframework.security.core.Authentication;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * API v1 for quality assurance: the scoring criteria, supervisors' scorecards of agents' calls (each save a new
 * revision, written to the audit log in the same transaction), an agent's scorecards and averages. An agent reads the
 * scorecards of their own calls only.
 */
@RestController
class ScorecardController {

	static final String OBJECT_TYPE = "CALL";

	private final Scorecards scorecards;

	private final CallbackQueries queries;

	private final AuditLog audit;

	private final TransactionTemplate tx;

	ScorecardController(Scorecards scorecards, CallbackQueries queries, AuditLog audit, TransactionTemplate tx) {
		this.scorecards = scorecards;
		this.queries = queries;
		this.audit = audit;
		this.tx = tx;
	}

	@GetMapping("/api/v1/quality/criteria")
	List<Map<String, Object>> criteria() {
		return java.util.Arrays.stream(Criterion.values()).map(c -> {
			Map<String, Object> v = new LinkedHashMap<>();
			v.put("code", c.code());
			v.put("nameZh", c.nameZh());
			v.put("nameEn", c.nameEn());
			v.put("max", c.max());
			return v;
		}).toList();
	}

	@PutMapping("/api/v1/calls/{callId}/scorecard")
	Map<String, Object> save(@PathVariable UUID callId, @RequestBody(required = false) ScorecardRequest request,
			Authentication user) {
		Scorecards.Scorecard saved = tx.execute(status -> {
			Scorecards.Scorecard s = scorecards.save(callId, request, user.getName());
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("revision", s.revision());
			detail.put("agentId", s.agentId());
			if (s.taskId() != null) {
				detail.put("taskId", s.taskId().toString());
			}
			detail.put("total", s.total());
			detail.put("scores", s.scores());
			audit.append(user.getName(), "SCORECARD_SAVED", OBJECT_TYPE, callId.toString(), detail);
			return s;
		});
		return view(saved, false);
	}

	@GetMapping("/api/v1/calls/{callId}/scorecard")
	Map<String, Object> latest(@PathVariable UUID callId, Authentication user) {
		boolean staff = Roles.has(user, "SUPERVISOR") || Roles.has(user, "AUDITOR") || Roles.has(user, "ADMIN");
		if (!staff) {
			// an agent reads the scorecard of their own call; the upstream system none
			Map<String, Object> call = queries.call(callId).orElseThrow(() -> new CallbackNotFound("call", callId));
			if (!Roles.has(user, "AGENT") || !user.getName().equals(call.get("agentId"))) {
				throw new AccessRefused("call.not-yours", "the call is not the caller's");
			}
		}
		// 404 both for no such call and for a call nobody scored yet
		Scorecards.Scorecard latest = scorecards.latest(callId)
			.orElseThrow(() -> new CallbackNotFound("scorecard of call", callId));
		return view(latest, true);
	}

	@GetMapping("/api/v1/agents/{agentId}/scorecards")
	Map<String, Object> forAgent(@PathVariable String agentId) {
		return agentView(scorecards.forAgent(agentId));
	}

	@GetMapping("/api/v1/agents/me/scorecards")
	Map<String, Object> mine(Authentication user) {
		return agentView(scorecards.forAgent(user.getName()));
	}

	private static Map<String, Object> agentView(Scorecards.AgentScorecards a) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("agentId", a.agentId());
		v.put("count", a.count());
		v.put("averageTotal", a.averageTotal());
		v.put("byCriterion", a.byCriterion());
		v.put("items", a.items().stream().map(s -> view(s, false)).toList());
		return v;
	}

	static Map<String, Object> view(Scorecards.Scorecard s, boolean revisions) {
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("callId", s.callId());
		v.put("taskId", s.taskId());
		v.put("agentId", s.agentId());
		v.put("scores", s.scores());
		v.put("comments", s.comments());
		v.put("comment", s.comment());
		v.put("total", s.total());
		v.put("scoredBy", s.scoredBy());
		v.put("scoredAt", s.scoredAt());
		v.put("revision", s.revision());
		if (revisions) {
			v.put("revisions", s.revisions());
		}
		return v;
	}

	/** What a call or a recording shows of its latest scorecard: {@code {total, scoredBy, scoredAt}} or null. */
	static Map<String, Object> summary(Scorecards.Summary s) {
		if (s == null) {
			return null;
		}
		Map<String, Object> v = new LinkedHashMap<>();
		v.put("total", s.total());
		v.put("scoredBy", s.scoredBy());
		v.put("scoredAt", s.scoredAt());
		return v;
	}

}
