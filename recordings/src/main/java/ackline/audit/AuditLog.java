package ackline.audit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ackline.evidence.Sha256;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The access audit (R-EV-5): an append-only log in PostgreSQL ({@code audit_entry}, a trigger refuses updates and
 * deletes) whose entries are hash-chained, so that a changed, removed or inserted entry breaks the chain at that
 * point.
 *
 * <p>An entry's {@code hash} is the SHA-256 (lower-case hex) of the UTF-8 bytes of its canonical text, the JSON array
 * {@code [seq,"at","actor","action","objectType",objectId,detail,"prevHash"]} written by {@link CanonicalJson}: {@code at}
 * in UTC as {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ}, a missing object type or id as {@code null}, {@code detail} as
 * canonical JSON with sorted keys (as PostgreSQL's {@code jsonb} keeps it). The first entry's {@code prevHash} is 64
 * zeros.
 *
 * <p>Appends from every thread and node form one chain: each takes a transaction-scoped advisory lock, then reads the
 * last hash; the lock is held until the appending transaction ends, so keep audited transactions short.
 */
public class AuditLog {

	/** The advisory lock key that serialises appends ("AUDIT" in ASCII). */
	static final long CHAIN_LOCK = 0x4155444954L;

	static final String GENESIS = "0".repeat(64);

	private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static final String COLUMNS = "seq, at, actor, action, object_type, object_id, detail::text as detail, prev_hash, hash";

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private final JsonMapper json = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private final JdbcTemplate jdbc;

	private final TransactionTemplate inTransaction;

	private final TransactionTemplate readOnly;

	private final Clock clock;

	AuditLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.inTransaction = new TransactionTemplate(transactions);
		this.inTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.readOnly.setReadOnly(true);
	}

	/** Appends one entry in the caller's transaction (or its own), chained to the previous one. Returns it. */
	public AuditEntry append(String actor, String action, String objectType, String objectId, Map<String, ?> detail) {
		if (actor == null || actor.isBlank() || action == null || action.isBlank()) {
			throw new IllegalArgumentException("an audit entry needs an actor and an action");
		}
		JsonNode tree = json.valueToTree(detail == null ? Map.of() : detail);
		if (!tree.isObject()) {
			throw new IllegalArgumentException("audit detail must be a JSON object");
		}
		String detailText = CanonicalJson.write(tree);
		Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
		return inTransaction.execute(status -> {
			jdbc.query("select pg_advisory_xact_lock(?)", rs -> {
			}, CHAIN_LOCK);
			// the seq, the detail as jsonb will give it back, and the last hash, read under the lock
			Object[] next = jdbc.queryForObject("""
					select nextval(pg_get_serial_sequence('audit_entry', 'seq')), cast(? as jsonb)::text,
					       (select hash from audit_entry order by seq desc limit 1)""",
					(rs, n) -> new Object[] { rs.getLong(1), rs.getString(2), rs.getString(3) }, detailText);
			long seq = (Long) next[0];
			String stored = (String) next[1];
			String prev = next[2] == null ? GENESIS : (String) next[2];
			Map<String, Object> storedDetail = json.readValue(stored, MAP);
			String hash = hash(seq, at, actor, action, objectType, objectId, CanonicalJson.write(json.readTree(stored)),
					prev);
			jdbc.update("""
					insert into audit_entry (seq, at, actor, action, object_type, object_id, detail, prev_hash, hash)
					values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?)""", seq, Timestamp.from(at), actor, action,
					objectType, objectId, stored, prev, hash);
			return new AuditEntry(seq, at, actor, action, objectType, objectId, storedDetail, prev, hash);
		});
	}

	/** Entries matching the query, oldest first (in chain order). */
	public List<AuditEntry> find(AuditQuery query) {
		StringBuilder sql = new StringBuilder("select " + COLUMNS + " from audit_entry where true");
		List<Object> args = new ArrayList<>();
		if (query.objectId() != null) {
			sql.append(" and object_id = ?");
			args.add(query.objectId());
		}
		if (query.actor() != null) {
			sql.append(" and actor = ?");
			args.add(query.actor());
		}
		if (query.action() != null) {
			sql.append(" and action = ?");
			args.add(query.action());
		}
		if (query.from() != null) {
			sql.append(" and at >= ?");
			args.add(Timestamp.from(query.from()));
		}
		if (query.to() != null) {
			sql.append(" and at < ?");
			args.add(Timestamp.from(query.to()));
		}
		sql.append(" order by seq limit ?");
		args.add(query.limit());
		return jdbc.query(sql.toString(), (rs, n) -> entry(rs), args.toArray());
	}

	/**
	 * Recomputes the whole chain in order, streaming (rows are fetched in batches, never all held), and names the
	 * first entry whose {@code prevHash} is not the previous entry's hash or whose hash does not match its content.
	 */
	public Verification verify() {
		return readOnly.execute(status -> {
			Verifier verifier = new Verifier();
			jdbc.query(con -> {
				PreparedStatement ps = con.prepareStatement("select " + COLUMNS + " from audit_entry order by seq");
				ps.setFetchSize(1000);
				return ps;
			}, verifier::check);
			return verifier.result();
		});
	}

	/**
	 * What {@link #verify()} found.
	 * @param entries how many entries were read
	 * @param firstBrokenSeq the first entry where the chain breaks, null when it holds
	 * @param reason why it breaks there, null when it holds
	 */
	public record Verification(boolean ok, long entries, Long firstBrokenSeq, String reason) {
	}

	private final class Verifier {

		private long entries;

		private String previous = GENESIS;

		private Long broken;

		private String reason;

		void check(ResultSet rs) throws SQLException {
			entries++;
			if (broken != null) {
				return;
			}
			long seq = rs.getLong("seq");
			String prevHash = rs.getString("prev_hash");
			String hash = rs.getString("hash");
			if (!previous.equals(prevHash)) {
				broken = seq;
				reason = "entry " + seq + " does not link to the entry before it (an entry was changed, removed or inserted)";
				return;
			}
			String actual = hash(seq, rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
					rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"),
					CanonicalJson.write(json.readTree(rs.getString("detail"))), prevHash);
			if (!actual.equals(hash)) {
				broken = seq;
				reason = "entry " + seq + " does not match its hash (its content was changed)";
				return;
			}
			previous = hash;
		}

		Verification result() {
			return new Verification(broken == null, entries, broken, reason);
		}

	}

	private AuditEntry entry(ResultSet rs) throws SQLException {
		return new AuditEntry(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(),
				rs.getString("actor"), rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"),
				json.readValue(rs.getString("detail"), MAP), rs.getString("prev_hash"), rs.getString("hash"));
	}

	/** The canonical text of an entry, as hashed. */
	static String canonical(long seq, Instant at, String actor, String action, String objectType, String objectId,
			String canonicalDetail, String prevHash) {
		StringBuilder text = new StringBuilder("[").append(seq).append(',');
		CanonicalJson.string(AT.format(at.truncatedTo(ChronoUnit.MICROS)), text);
		text.append(',');
		CanonicalJson.string(actor, text);
		text.append(',');
		CanonicalJson.string(action, text);
		text.append(',');
		CanonicalJson.string(objectType, text);
		text.append(',');
		CanonicalJson.string(objectId, text);
		text.append(',').append(canonicalDetail).append(',');
		CanonicalJson.string(prevHash, text);
		return text.append(']').toString();
	}

	static String hash(long seq, Instant at, String actor, String action, String objectType, String objectId,
			String canonicalDetail, String prevHash) {
		return Sha256.hex(canonical(seq, at, actor, action, objectType, objectId, canonicalDetail, prevHash));
	}

}
