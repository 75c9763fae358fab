package ackline.ratelimit;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * A token bucket per key (for instance per sending number), shared by every app node through Redis
 * with Bucket4j. A rate of zero or less lifts the limit. The bucket itself can be rebuilt: if Redis
 * loses it, it starts full again.
 */
public class RedisRateLimiter {

	private final ProxyManager<String> buckets;

	private final BucketConfiguration configuration;

	private final ConcurrentMap<String, Bucket> cache = new ConcurrentHashMap<>();

	private final String prefix;

	public RedisRateLimiter(UnifiedJedis redis, String prefix, int permitsPerSecond) {
		this.prefix = prefix;
		if (permitsPerSecond <= 0) {
			this.buckets = null;
			this.configuration = null;
			return;
		}
		this.buckets = Bucket4jJedis.casBasedBuilder(redis)
			.keyMapper(Mapper.STRING)
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
			.build();
		this.configuration = BucketConfiguration.builder()
			.addLimit(limit -> limit.capacity(permitsPerSecond).refillGreedy(permitsPerSecond, Duration.ofSeconds(1)))
			.build();
	}

	/** Waits until a permit for this key is available; returns at once when the limit is lifted. */
	public void acquire(String key) throws InterruptedException {
		if (buckets == null) {
			return;
		}
		bucket(key).asBlocking().consume(1);
	}

	/** Takes a permit if one is available now. */
	public boolean tryAcquire(String key) {
		return buckets == null || bucket(key).tryConsume(1);
	}

	public boolean limited() {
		return buckets != null;
	}

	private Bucket bucket(String key) {
		return cache.computeIfAbsent(key, k -> buckets.getProxy(prefix + k, () -> configuration));
	}

}
