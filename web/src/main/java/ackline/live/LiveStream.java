package ackline.live;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The live streams: each has one STOMP destination, one sequence of numbered messages and one snapshot. Topic streams
 * are shared; user streams ({@code /user/queue/...}) exist once per user, numbered per user.
 */
enum LiveStream {

	AGENTS("agents", "/topic/agents", false, "SUPERVISOR", "AUDITOR", "ADMIN"),
	QUEUES("queues", "/topic/queues", false, "AGENT", "SUPERVISOR", "AUDITOR", "ADMIN"),
	CALLS("calls", "/topic/calls", false, "SUPERVISOR", "AUDITOR", "ADMIN"),
	NOTICES("notices", "/topic/notices", false, "SUPERVISOR", "AUDITOR", "ADMIN"),
	TASKS("tasks", "/topic/tasks", false, "SUPERVISOR", "AUDITOR", "ADMIN"),
	WALLBOARD("wallboard", "/topic/wallboard", false, "SUPERVISOR", "AUDITOR", "ADMIN"),
	/** An agent's own offers and tasks. */
	MY_TASKS("mytasks", "/queue/tasks", true, "AGENT"),
	/** An agent's own state, calls and notifications. */
	ME("me", "/queue/agent", true, "AGENT"),
	/** The evidence exports a supervisor or auditor asked for: their progress, until done, failed or expired. */
	MY_EXPORTS("myexports", "/queue/exports", true, "SUPERVISOR", "AUDITOR", "ADMIN");

	/** The name clients use in messages and snapshot requests. */
	final String label;

	/** For a user stream, the destination after {@code /user}. */
	final String destination;

	final boolean perUser;

	final Set<String> roles;

	LiveStream(String label, String destination, boolean perUser, String... roles) {
		this.label = label;
		this.destination = destination;
		this.perUser = perUser;
		this.roles = Set.of(roles);
	}

	/** The key its sequence is counted under: one per stream, or per stream and user. */
	String key(String user) {
		return perUser ? label + ":" + user : label;
	}

	/** What a client subscribes to. */
	String subscription() {
		return perUser ? "/user" + destination : destination;
	}

	static Optional<LiveStream> byLabel(String label) {
		return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
	}

	static Optional<LiveStream> bySubscription(String destination) {
		return Arrays.stream(values()).filter(s -> s.subscription().equals(destination)).findFirst();
	}

}
