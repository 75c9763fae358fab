package ackline.redis;

import ackline.queue.WorkQueue;
import redis.clients.jedis.UnifiedJedis;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Redis answers PING; shows the depth of the notice send queues. */
class RedisHealthIndicator extends AbstractHealthIndicator {

	private final UnifiedJedis jedis;

	private final WorkQueue queue;

	RedisHealthIndicator(UnifiedJedis jedis, WorkQueue queue) {
		super("Redis health check failed");
		this.jedis = jedis;
		this.queue = queue;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		String pong = jedis.ping();
		builder.up()
			.withDetail("ping", pong)
			.withDetail("queue.notice-sms", queue.depth("notice-sms"))
			.withDetail("queue.notice-email", queue.depth("notice-email"));
	}

}
