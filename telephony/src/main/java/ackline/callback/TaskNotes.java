package ackline.callback;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import ackline.id.Ids;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notes on a call-back task, written by the agents working it and by supervisors. Append-only: a note is never
 * changed or removed ({@code callback_task_note} refuses UPDATE and DELETE), a correction is a further note.
 */
public class TaskNotes {

	/** The longest note, in characters. */
	public static final int MAX_LENGTH = 2000;

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	TaskNotes(JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events, Clock clock) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.events = events;
		this.clock = clock;
	}

	/** One note. */
	public record Note(UUID id, UUID taskId, String author, String text, Instant at) {
	}

	/** Validates the text: required, not blank, at most {@link #MAX_LENGTH} characters. */
	static String validText(String text) {
		if (text == null || text.isBlank()) {
			throw CallbackRejected.of("text", "note.text.required", "is required");
		}
		String t = text.strip();
		if (t.length() > MAX_LENGTH) {
			throw CallbackRejected.of("text", "note.text.length", "must be at most " + MAX_LENGTH + " characters",
					MAX_LENGTH, t.length());
		}
		return t;
	}

	/** Appends a note to the task; publishes {@link CallbackEvents.TaskNoteAdded} in the same transaction. */
	public Note add(UUID taskId, String author, String text) {
		String t = validText(text);
		return tx.execute(status -> {
			// a shared lock: the task exists and is not removed meanwhile; notes never wait for the dialer's locks
			boolean exists = !jdbc.sql("select id from callback_task where id = ? for key share").param(taskId).query()
				.listOfRows().isEmpty();
			if (!exists) {
				throw new CallbackNotFound("task", taskId);
			}
			Instant now = clock.instant();
			UUID id = Ids.newId(clock);
			jdbc.sql("insert into callback_task_note (id, task_id, author, text, at) values (?, ?, ?, ?, ?)")
				.params(id, taskId, author, t, Transitions.ts(now))
				.update();
			events.publishEvent(new CallbackEvents.TaskNoteAdded(id, taskId, author, t, now));
			return new Note(id, taskId, author, t, now);
		});
	}

	/** The task's notes, oldest first. */
	public List<Note> list(UUID taskId) {
		return list(jdbc, taskId);
	}

	static List<Note> list(JdbcClient jdbc, UUID taskId) {
		return jdbc.sql("select id, task_id, author, text, at from callback_task_note where task_id = ? order by at, id")
			.param(taskId)
			.query((rs, n) -> new Note(rs.getObject("id", UUID.class), rs.getObject("task_id", UUID.class),
					rs.getString("author"), rs.getString("text"), rs.getTimestamp("at").toInstant()))
			.list();
	}

}
