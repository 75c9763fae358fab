package ackline.callback;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Statements shared by the dialer's classes: the task's history. */
final class CallbackStore {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private CallbackStore() {
	}

	/** Appends to a task's history (shown on the task). */
	static void event(JdbcClient jdbc, UUID taskId, Instant at, String kind, Map<String, ?> detail) {
		jdbc.sql("insert into callback_event (task_id, at, kind, detail) values (?, ?, ?, ?::jsonb)")
			.params(taskId, Timestamp.from(at), kind, json(detail))
			.update();
	}

	static String json(Object value) {
		return JSON.writeValueAsString(value == null ? Map.of() : value);
	}

}
