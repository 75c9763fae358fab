package ackline.ratelimit;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import static org.assertj.core.api.Assertions.assertThat;

/** Bucket4j on the machine's Redis: the bucket is shared, so two limiters (two nodes) draw from one. */
class RedisRateLimiterIntegrationTests {

	@Test
	void twoNodesShareOneBucketPerSender() {
		try (JedisPooled redis = new JedisPooled(java.net.URI.create(ackline.testing.TestRedis.url()))) {
			String prefix = "test:rate:" + UUID.randomUUID() + ":";
			RedisRateLimiter nodeA = new RedisRateLimiter(redis, prefix, 5);
			RedisRateLimiter nodeB = new RedisRateLimiter(redis, prefix, 5);
			int granted = 0;
			for (int i = 0; i < 20; i++) {
				if ((i % 2 == 0 ? nodeA : nodeB).tryAcquire("+15005550006")) {
					granted++;
				}
			}
			// Capacity 5 refilled at 5/s: a burst of 20 gets the 5 plus at most what refilled meanwhile.
			assertThat(granted).isBetween(5, 9);
			assertThat(nodeA.tryAcquire("+15005550007")).isTrue();
			redis.del(redis.keys(prefix + "*").toArray(String[]::new));
		}
	}

	@Test
	void aRateOfZeroLiftsTheLimit() {
		RedisRateLimiter unlimited = new RedisRateLimiter(null, "x", 0);
		for (int i = 0; i < 1000; i++) {
			assertThat(unlimited.tryAcquire("any")).isTrue();
		}
		assertThat(unlimited.limited()).isFalse();
	}

}
