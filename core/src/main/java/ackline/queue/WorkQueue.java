package ackline.queue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Hands work items (ids of rows in PostgreSQL) to workers on any node.
 *
 * <p>A queue holds only what can be rebuilt: PostgreSQL stays the truth, and a reconciler re-enqueues
 * what is due when {@link #lostSinceLastCheck()} says the queue lost its contents. Items may therefore
 * be delivered more than once; workers claim the row in PostgreSQL before acting on it.
 */
public interface WorkQueue {

	void enqueue(String queue, Collection<String> items);

	/** Up to {@code max} items for this consumer, waiting up to {@code wait} for the first. */
	List<Delivery> take(String queue, String consumer, int max, Duration wait);

	/** Marks deliveries handled, so they are not delivered again. */
	void done(String queue, Collection<Delivery> deliveries);

	/**
	 * True when the queue's store lost its contents since the last call (and on the first call of a
	 * fresh store): the caller must re-enqueue everything that is still due.
	 */
	boolean lostSinceLastCheck();

	/** Items waiting, not yet taken. */
	long depth(String queue);

	/** One item handed to a consumer; {@code receipt} identifies this delivery. */
	record Delivery(String receipt, String item) {
	}

}
