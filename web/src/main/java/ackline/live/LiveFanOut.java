package ackline.live;

import java.util.function.Consumer;

/**
 * Hands a live message to every app node, this one included, numbering it in its stream on the way: the numbering
 * and the hand-over are one step, so the order of sequence numbers is the order every node receives them in.
 */
public interface LiveFanOut {

	/**
	 * Numbers the message and sends it to every node.
	 * @param streamKey the stream (and user) the sequence belongs to
	 * @param route where each node delivers it (opaque to the fan-out)
	 * @param bodyAfterSeq the message's JSON after its {@code "seq":N,} member, ending with its closing brace
	 * @return the message's sequence number
	 * @throws LiveFanOutUnavailable when the message could not be handed over
	 */
	long publish(String streamKey, String route, String bodyAfterSeq);

	/** The stream's last sequence number (0 when none, or after the numbering was lost). */
	long currentSeq(String streamKey);

	/**
	 * Starts receiving: {@code received} gets every message every node publishes; {@code reconnected} runs each time
	 * the subscription is re-established after a loss (messages in between may be missed).
	 */
	void start(Consumer<Received> received, Runnable reconnected);

	/** A message as it arrives: its route and its full JSON body. */
	record Received(String route, String body) {
	}

	/** The fan-out could not take the message (its store is unreachable). */
	final class LiveFanOutUnavailable extends RuntimeException {

		public LiveFanOutUnavailable(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
