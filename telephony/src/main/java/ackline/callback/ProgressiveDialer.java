package ackline.callback;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import ackline.call.PbxUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Progressive mode: as soon as an agent in that mode is available, offer the next task and dial it. Triggered by the
 * agent becoming available (on this node) and by a periodic sweep (agents freed on another node, or after a
 * restart). Two nodes may try the same agent; the dial's row locks let one through.
 */
class ProgressiveDialer {

	private static final Logger log = LoggerFactory.getLogger(ProgressiveDialer.class);

	private final Dialer dialer;

	private final JdbcClient jdbc;

	private final ExecutorService workers;

	private final Set<String> pending = ConcurrentHashMap.newKeySet();

	ProgressiveDialer(Dialer dialer, JdbcClient jdbc, int threads) {
		this.dialer = dialer;
		this.jdbc = jdbc;
		this.workers = Executors.newFixedThreadPool(threads, r -> {
			Thread t = new Thread(r, "progressive-dialer");
			t.setDaemon(true);
			return t;
		});
	}

	/** Asks to serve this agent soon (once, however often asked). */
	void kick(String agentId) {
		if (pending.add(agentId)) {
			try {
				workers.execute(() -> {
					pending.remove(agentId);
					serve(agentId);
				});
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				pending.remove(agentId);
			}
		}
	}

	/** Serves every idle progressive agent. */
	void sweep() {
		List<String> idle = jdbc.sql("""
				select id from agent where mode = 'PROGRESSIVE' and state = 'AVAILABLE' and current_task is null
				order by since limit 500""")
			.query(String.class)
			.list();
		idle.forEach(this::kick);
	}

	private void serve(String agentId) {
		try {
			boolean progressive = dialer.agent(agentId)
				.filter(a -> "PROGRESSIVE".equals(a.mode()) && a.state() == AgentState.AVAILABLE && a.currentCall() == null)
				.isPresent();
			if (!progressive) {
				return;
			}
			Optional<UUID> task = dialer.next(agentId);
			if (task.isPresent()) {
				dialer.dial(task.get(), agentId);
			}
		}
		catch (CallbackConflict ex) {
			log.debug("Progressive dial for {} skipped: {}", agentId, ex.getMessage());
		}
		catch (PbxUnavailableException ex) {
			log.warn("Progressive dial for {} waits for the PBX: {}", agentId, ex.getMessage());
		}
		catch (RuntimeException ex) {
			log.error("Progressive dial for {} failed", agentId, ex);
		}
	}

	void stop() {
		workers.shutdown();
		try {
			workers.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
