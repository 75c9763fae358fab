package ackline.live;

import java.time.Instant;
import java.util.Set;

/**
 * Which agents have a console open, across all nodes: each node reports its own consoles' sessions and refreshes them;
 * a session not refreshed for a while belongs to a node that died. Rebuildable: after a loss each node reports its
 * sessions again at its next refresh.
 */
public interface PresenceStore {

	/** The session of this agent's console is alive now. */
	void seen(String agentId, String sessionId, Instant at);

	/** The session closed. */
	void gone(String agentId, String sessionId);

	/** Agents with a console now or lately. */
	Set<String> agents();

	/** How many of the agent's sessions were seen since {@code since} (older ones are dropped). */
	long sessionsSince(String agentId, Instant since);

	/** When the agent was first found without a console (recorded now if not yet). */
	Instant absentSince(String agentId, Instant now);

	/** The agent has a console again. */
	void present(String agentId);

	/** Stops watching the agent until its console connects again. */
	void forget(String agentId);

}
