package ackline.quality;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ackline.callback.CallbackConflict;
import ackline.callback.CallbackNotFound;
import ackline.id.Ids;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Supervisors' scorecards of agents' calls. Append-only: each save is a new revision of the call's scorecard (table
 * {@code call_scorecard} refuses UPDATE and DELETE); reads show the latest revision. Only an answered call with an
 * agent can be scored.
 */
public class Scorecards {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final TransactionTemplate snapshot;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	Scorecards(JdbcClient jdbc, PlatformTransactionManager transactions, ApplicationEventPublisher events, Clock clock) {
		this.jdbc = jdbc;
		this.tx = new TransactionTemplate(transactions);
		this.snapshot = new TransactionTemplate(transactions);
		this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.snapshot.setReadOnly(true);
		this.events = events;
		this.clock = clock;
	}

	/** One revision of a call's scorecard; {@code revisions}: how many the call has (when read). */
	public record Scorecard(UUID callId, UUID taskId, String agentId, Map<String, Integer> scores,
			Map<String, String> comments, String comment, int total, String scoredBy, Instant scoredAt, int revision,
			int revisions) {
	}

	/** What a call or recording listing shows of its latest scorecard. */
	public record Summary(int total, String scoredBy, Instant scoredAt) {
	}

	/** An agent's scorecards: the latest per call, newest first, with the averages over them. */
	public record AgentScorecards(String agentId, int count, BigDecimal averageTotal,
			Map<String, BigDecimal> byCriterion, List<Scorecard> items) {
	}

	/**
	 * Saves a new revision of the call's scorecard (joining the caller's transaction, if any, so that the caller may
	 * write its audit entry with it) and publishes {@link QualityEvents.ScorecardSaved}.
	 * @throws ScorecardRejected when a score is missing, out of range or unknown
	 * @throws CallbackNotFound when there is no such call
	 * @throws CallbackConflict when the call was not answered or had no agent
	 */
	public Scorecard save(UUID callId, ScorecardRequest request, String scoredBy) {
		ScoreRules.Valid valid = ScoreRules.validate(request);
		return tx.execute(status -> {
			// one saver at a time per call, so revisions count up without gaps; event application is not blocked by
			// key-share locks, and waits for this short lock otherwise
			Map<String, Object> call = jdbc.sql("""
					select id, task_id, agent_id, answered_at from call where id = ? for no key update""")
				.param(callId).query().listOfRows().stream().findFirst()
				.orElseThrow(() -> new CallbackNotFound("call", callId));
			if (call.get("answered_at") == null) {
				throw new CallbackConflict("call.not-answered", "only an answered call can be scored");
			}
			String agentId = (String) call.get("agent_id");
			if (agentId == null) {
				throw new CallbackConflict("call.no-agent", "the call had no agent (an automated call) to score");
			}
			UUID taskId = (UUID) call.get("task_id");
			int revision = jdbc.sql("select coalesce(max(revision), 0) + 1 from call_scorecard where call_id = ?")
				.param(callId).query(Integer.class).single();
			Instant now = clock.instant();
			jdbc.sql("""
					insert into call_scorecard (id, call_id, revision, task_id, agent_id, scores, comments, comment, total,
					    scored_by, scored_at)
					values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)""")
				.params(Ids.newId(clock), callId, revision, taskId, agentId, JSON.writeValueAsString(valid.scores()),
						JSON.writeValueAsString(valid.comments()), valid.comment(), valid.total(), scoredBy,
						Timestamp.from(now))
				.update();
			events.publishEvent(
					new QualityEvents.ScorecardSaved(callId, taskId, agentId, valid.total(), revision, scoredBy, now));
			return new Scorecard(callId, taskId, agentId, valid.scores(), valid.comments(), valid.comment(),
					valid.total(), scoredBy, now, revision, revision);
		});
	}

	private static final String LATEST = """
			select s.*, count(*) over (partition by s.call_id) as revisions,
			       row_number() over (partition by s.call_id order by s.revision desc) as nth
			from call_scorecard s""";

	/** The call's latest scorecard, with how many revisions it has. */
	public Optional<Scorecard> latest(UUID callId) {
		return jdbc.sql("select * from (" + LATEST + " where s.call_id = ?) l where l.nth = 1").param(callId)
			.query(Scorecards::scorecard).optional();
	}

	/** The agent's latest scorecard per call, newest first, with the averages (null when there are none). */
	public AgentScorecards forAgent(String agentId) {
		return snapshot.execute(status -> {
			List<Scorecard> items = jdbc
				.sql("select * from (" + LATEST + " where s.agent_id = ?) l where l.nth = 1 order by l.scored_at desc, l.call_id")
				.param(agentId).query(Scorecards::scorecard).list();
			Map<String, BigDecimal> byCriterion = new LinkedHashMap<>();
			for (Criterion c : Criterion.values()) {
				byCriterion.put(c.name(), average(items.stream().map(s -> s.scores().get(c.name())).toList()));
			}
			return new AgentScorecards(agentId, items.size(), average(items.stream().map(Scorecard::total).toList()),
					byCriterion, items);
		});
	}

	/** The latest scorecard's total, scorer and time for each of these calls that has one. */
	public Map<UUID, Summary> summaries(Collection<UUID> callIds) {
		Map<UUID, Summary> found = new LinkedHashMap<>();
		if (callIds.isEmpty()) {
			return found;
		}
		jdbc.sql("""
				select distinct on (call_id) call_id, total, scored_by, scored_at from call_scorecard
				where call_id = any(?) order by call_id, revision desc""")
			.param(callIds.toArray(UUID[]::new))
			.query((ResultSet rs) -> {
				found.put(rs.getObject("call_id", UUID.class), new Summary(rs.getInt("total"), rs.getString("scored_by"),
						rs.getTimestamp("scored_at").toInstant()));
			});
		return found;
	}

	/** The mean rounded to two places, or null for none. */
	static BigDecimal average(List<Integer> values) {
		List<Integer> present = new ArrayList<>();
		for (Integer v : values) {
			if (v != null) {
				present.add(v);
			}
		}
		if (present.isEmpty()) {
			return null;
		}
		long sum = 0;
		for (int v : present) {
			sum += v;
		}
		return BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(present.size()), 2, RoundingMode.HALF_UP);
	}

	private static Scorecard scorecard(ResultSet rs, int n) throws SQLException {
		return new Scorecard(rs.getObject("call_id", UUID.class), rs.getObject("task_id", UUID.class),
				rs.getString("agent_id"), JSON.readValue(rs.getString("scores"), new TypeReference<LinkedHashMap<String, Integer>>() {
				}), JSON.readValue(rs.getString("comments"), new TypeReference<LinkedHashMap<String, String>>() {
				}), rs.getString("comment"), rs.getInt("total"), rs.getString("scored_by"),
				rs.getTimestamp("scored_at").toInstant(), rs.getInt("revision"), rs.getInt("revisions"));
	}

}
