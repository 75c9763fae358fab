package ackline.redis;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import ackline.live.LiveFanOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Live messages through Redis pub/sub. One Lua script numbers a message ({@code INCR} of its stream's key) and
 * publishes it, atomically: Redis runs scripts one at a time, so sequence order is delivery order on every node.
 * Pub/sub keeps nothing: a node that loses its subscription is told (and tells its consoles to re-sync); a flushed
 * Redis restarts the numbering, which consoles see as a reset. Each node listens on its own connection, kept alive
 * by pings and re-opened with back-off.
 */
final class RedisLiveFanOut implements LiveFanOut, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisLiveFanOut.class);

	private static final String PUBLISH = """
			local seq = redis.call('INCR', KEYS[1])
			redis.call('PUBLISH', KEYS[2], ARGV[1] .. seq .. ARGV[2])
			return seq""";

	private final UnifiedJedis jedis;

	private final HostAndPort address;

	private final JedisClientConfig subscriberConfig;

	private final String seqPrefix;

	private final String channel;

	private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "live-redis-ping");
		t.setDaemon(true);
		return t;
	});

	private volatile boolean running = true;

	private volatile JedisPubSub subscription;

	private Thread listener;

	RedisLiveFanOut(UnifiedJedis jedis, HostAndPort address, JedisClientConfig subscriberConfig, String keyPrefix) {
		this.jedis = jedis;
		this.address = address;
		this.subscriberConfig = subscriberConfig;
		this.seqPrefix = keyPrefix + "live:seq:";
		this.channel = keyPrefix + "live";
	}

	@Override
	public long publish(String streamKey, String route, String bodyAfterSeq) {
		try {
			Object seq = jedis.eval(PUBLISH, List.of(seqPrefix + streamKey, channel),
					List.of(route + "\n{\"seq\":", "," + bodyAfterSeq));
			return ((Number) seq).longValue();
		}
		catch (RuntimeException ex) {
			throw new LiveFanOutUnavailable("Redis did not take the live message: " + ex.getMessage(), ex);
		}
	}

	@Override
	public long currentSeq(String streamKey) {
		String value = jedis.get(seqPrefix + streamKey);
		return value == null ? 0 : Long.parseLong(value);
	}

	@Override
	public synchronized void start(Consumer<Received> received, Runnable reconnected) {
		if (listener != null) {
			throw new IllegalStateException("already started");
		}
		listener = new Thread(() -> listen(received, reconnected), "live-redis-subscriber");
		listener.setDaemon(true);
		listener.start();
		pinger.scheduleWithFixedDelay(() -> {
			JedisPubSub current = subscription;
			if (current != null && current.isSubscribed()) {
				try {
					current.ping();
				}
				catch (RuntimeException ex) {
					log.debug("Live subscription ping failed: {}", ex.getMessage());
				}
			}
		}, 10, 10, TimeUnit.SECONDS);
	}

	private void listen(Consumer<Received> received, Runnable reconnected) {
		boolean first = true;
		long backoff = 200;
		while (running) {
			boolean lostBefore = !first;
			try (Jedis connection = new Jedis(address, subscriberConfig)) {
				JedisPubSub pubSub = new JedisPubSub() {
					@Override
					public void onMessage(String channel, String message) {
						int newline = message.indexOf('\n');
						if (newline > 0) {
							try {
								received.accept(new Received(message.substring(0, newline), message.substring(newline + 1)));
							}
							catch (RuntimeException ex) {
								log.warn("Live message not delivered: {}", ex.toString());
							}
						}
					}

					@Override
					public void onSubscribe(String channel, int subscribedChannels) {
						if (lostBefore) {
							log.info("Live subscription to Redis restored: consoles on this node re-sync");
							reconnected.run();
						}
					}
				};
				subscription = pubSub;
				first = false;
				backoff = 200;
				connection.subscribe(pubSub, channel);
			}
			catch (RuntimeException ex) {
				if (!running) {
					return;
				}
				first = false;
				log.warn("Live subscription to Redis lost ({}); retrying in {} ms", ex.getMessage(), backoff);
			}
			if (!running) {
				return;
			}
			try {
				Thread.sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			backoff = Math.min(backoff * 2, 5_000);
		}
	}

	@Override
	public void close() {
		running = false;
		pinger.shutdownNow();
		JedisPubSub current = subscription;
		if (current != null && current.isSubscribed()) {
			try {
				current.unsubscribe();
			}
			catch (RuntimeException ex) {
				// the connection is going away with the node
			}
		}
		if (listener != null) {
			listener.interrupt();
		}
	}

}
