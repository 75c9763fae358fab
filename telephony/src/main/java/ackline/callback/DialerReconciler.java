package ackline.callback;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import ackline.call.Pbx;
import ackline.call.PbxUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure no call stays open forever: calls the PBX no longer has (it restarted, the app was killed between
 * writing a call and dialling it, events were lost while the AMI link was down) are ended from what is known, which
 * moves their task and agent on. Runs on every node, periodically and whenever the AMI link comes back.
 */
class DialerReconciler {

	private static final Logger log = LoggerFactory.getLogger(DialerReconciler.class);

	/** A call this young may not have a channel yet (the originate is asynchronous). */
	private static final Duration SETTLE = Duration.ofSeconds(15);

	/** An answered call with the AMI link down this long is ended anyway. */
	private static final Duration ANSWERED_WITHOUT_LINK = Duration.ofHours(1);

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final CallTimeline timeline;

	private final Transitions transitions;

	private final Pbx pbx;

	private final CallbackSettings settings;

	private final Clock clock;

	private volatile Consumer<String> onAgentAvailable = agentId -> {
	};

	/** Calls open here but missing at the PBX at the last pass. */
	private Set<UUID> suspects = Set.of();

	DialerReconciler(JdbcClient jdbc, TransactionTemplate tx, CallTimeline timeline, Transitions transitions, Pbx pbx,
			CallbackSettings settings, Clock clock) {
		this.transitions = transitions;
		this.jdbc = jdbc;
		this.tx = tx;
		this.timeline = timeline;
		this.pbx = pbx;
		this.settings = settings;
		this.clock = clock;
	}

	void onAgentAvailable(Consumer<String> hook) {
		this.onAgentAvailable = hook;
	}

	/**
	 * Returns to the queue the tasks offered longer than the offer time-out to agents who neither dialled nor released
	 * them (a console closed without signing out), and pauses those agents; returns how many.
	 */
	int expireOffers() {
		Instant now = clock.instant();
		List<Map<String, Object>> stale = jdbc.sql("""
				select id, offered_to from callback_task where state = 'OFFERED' and offered_at < ? limit 100""")
			.param(Timestamp.from(now.minus(settings.offerTimeout())))
			.query()
			.listOfRows();
		int expired = 0;
		for (Map<String, Object> row : stale) {
			Boolean done = tx.execute(status -> {
				String agentId = (String) row.get("offered_to");
				Map<String, Object> agent = agentId == null ? null : transitions.lockAgent(agentId);
				Map<String, Object> task = transitions.lockTask((UUID) row.get("id"));
				if (task == null || !"OFFERED".equals(task.get("state"))) {
					return false;
				}
				transitions.requeue((UUID) task.get("id"), clock.instant(), null, false);
				transitions.task(task, TaskState.QUEUED, agentId, "OFFER_EXPIRED", clock.instant(), null);
				if (agent != null && task.get("id").equals(agent.get("current_task"))) {
					transitions.agent(agentId, AgentState.valueOf((String) agent.get("state")), AgentState.PAUSED,
							"OFFER_EXPIRED", null, null, null, clock.instant());
				}
				return true;
			});
			if (Boolean.TRUE.equals(done)) {
				expired++;
			}
		}
		if (expired > 0) {
			log.warn("{} task(s) offered for over {} without a dial went back to the queue", expired,
					settings.offerTimeout());
		}
		return expired;
	}

	/** Ends the calls the PBX no longer has; returns how many. */
	synchronized int reconcile() {
		expireOffers();
		Instant now = clock.instant();
		// a call still ORIGINATING may not have a channel yet (the originate is asynchronous); any later state was
		// reported by the PBX, which must still have it
		List<Map<String, Object>> open = jdbc.sql("""
				select id, state, created_at, updated_at from call
				where state <> 'ENDED' and (state <> 'ORIGINATING' or created_at < ?)""")
			.param(Timestamp.from(now.minus(SETTLE)))
			.query()
			.listOfRows();
		if (open.isEmpty()) {
			return 0;
		}
		int ended = 0;
		if (pbx.isConnected()) {
			Set<UUID> active;
			try {
				active = pbx.activeCalls();
			}
			catch (PbxUnavailableException ex) {
				log.warn("Cannot list the PBX's channels: {}", ex.getMessage());
				return 0;
			}
			// a call missing at the PBX may only have events still on their way (applied a little behind the PBX under
			// load): it is ended when it is still open and still missing at the next pass
			Set<UUID> missing = new java.util.HashSet<>();
			for (Map<String, Object> call : open) {
				UUID id = (UUID) call.get("id");
				if (!active.contains(id)) {
					missing.add(id);
					if (suspects.contains(id) && end(id, "LOST: the PBX no longer has this call")) {
						ended++;
					}
				}
			}
			suspects = missing;
		}
		else {
			for (Map<String, Object> call : open) {
				Instant created = ((Timestamp) call.get("created_at")).toInstant();
				boolean answered = "ANSWERED".equals(call.get("state"));
				Duration limit = answered ? ANSWERED_WITHOUT_LINK
						: settings.originateTimeout().plus(settings.agentRingTimeout()).plus(settings.clientRingTimeout());
				if (created.plus(limit).isBefore(now) && end((UUID) call.get("id"), "PBX_LINK_LOST")) {
					ended++;
				}
			}
		}
		if (ended > 0) {
			log.warn("Ended {} call(s) the PBX no longer had", ended);
		}
		return ended;
	}

	private boolean end(UUID callId, String failure) {
		String agent = tx.execute(status -> {
			Map<String, Object> call = timeline.lockCall(callId);
			if (call == null || "ENDED".equals(call.get("state"))) {
				return null;
			}
			CallOutcome outcome = "ANSWERED".equals(call.get("state")) ? CallOutcome.ANSWERED : CallOutcome.FAILED;
			String freed = timeline.end(call, outcome, null, null, failure, clock.instant());
			return freed == null ? "" : freed;
		});
		if (agent != null && !agent.isEmpty()) {
			onAgentAvailable.accept(agent);
		}
		return agent != null;
	}

}
