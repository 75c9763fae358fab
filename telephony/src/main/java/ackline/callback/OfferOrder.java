package ackline.callback;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The one definition of the order in which the dialer offers an agent tasks: first the queued tasks reserved for the
 * agent, then the team's (and those whose reservation was released because their agent is away), each highest
 * priority first, then earliest due; only tasks whose next attempt is due, and whose client has not had today's cap of
 * calls. {@link Dialer#next} takes the first of these under row locks; {@link Dialer#preview} lists them without
 * locking or offering anything. Both walk the partial indexes {@code callback_task_reserved_idx} and
 * {@code callback_task_ready_idx}.
 */
final class OfferOrder {

	/** The offer order inside each of the two groups. */
	static final String ORDER = "order by t.priority desc, t.due_by, t.id";

	private static final String RESERVED = """
			select * from callback_task t
			where t.state = 'QUEUED' and t.agent_id = ? and t.next_attempt_at <= ? and t.type = any(?)
			""" + ORDER + " limit ?";

	private static final String SHARED = """
			select * from callback_task t
			where t.state = 'QUEUED' and t.next_attempt_at <= ? and t.type = any(?)
			  and (t.team is null or t.team = ?)
			  and (t.agent_id is null or (t.agent_id <> ? and t.created_at < ? and not exists (
			        select 1 from agent r where r.id = t.agent_id
			        and (r.state not in ('OFFLINE', 'PAUSED') or r.since >= ?))))
			""" + ORDER + " limit ?";

	private static final String LOCKED = " for update of t skip locked";

	private final JdbcClient jdbc;

	private final CallbackSettings settings;

	OfferOrder(JdbcClient jdbc, CallbackSettings settings) {
		this.jdbc = jdbc;
		this.settings = settings;
	}

	/** Queued tasks reserved for this agent, in offer order; {@code lock}: skip and lock rows as the offer does. */
	List<Map<String, Object>> reserved(String agentId, Instant now, List<CallbackType> types, int limit, boolean lock) {
		return jdbc.sql(lock ? RESERVED + LOCKED : RESERVED)
			.params(agentId, Transitions.ts(now), Transitions.names(types).toArray(String[]::new), limit)
			.query()
			.listOfRows();
	}

	/** Queued tasks of the agent's team (or of nobody's), and reservations released to it, in offer order. */
	List<Map<String, Object>> shared(String agentId, String team, Instant now, List<CallbackType> types, int limit,
			boolean lock) {
		Instant releasedBefore = now.minus(settings.reservationRelease());
		return jdbc.sql(lock ? SHARED + LOCKED : SHARED)
			.params(Transitions.ts(now), Transitions.names(types).toArray(String[]::new), team, agentId,
					Transitions.ts(releasedBefore), Transitions.ts(releasedBefore), limit)
			.query()
			.listOfRows();
	}

	/** Calls to this number since the start of today (Asia/Shanghai). */
	long callsToday(Object phone, Instant now) {
		return jdbc.sql("select count(*) from call where phone = ? and created_at >= ?")
			.params(phone, Transitions.ts(dayStart(now)))
			.query(Long.class)
			.single();
	}

	/** Whether the client may be called again today, or has had the daily cap of calls. */
	boolean underDailyCap(long callsToday) {
		return callsToday < settings.perClientDailyCap();
	}

	static Instant dayStart(Instant now) {
		return LocalDate.ofInstant(now, CallingWindows.ZONE).atStartOfDay(CallingWindows.ZONE).toInstant();
	}

}
