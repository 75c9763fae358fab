package ackline.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Redis ({@code ackline.redis.*}): work queues, rate-limit buckets and presence, all rebuildable.
 *
 * @param url e.g. {@code redis://localhost:6379}, {@code rediss://user:pass@host:6380/0}
 * @param poolSize connections; each blocked queue consumer holds one, so keep it above the worker count
 * @param timeout socket time-out for ordinary commands
 * @param reclaimAfter queue entries a dead consumer held are handed to another after this
 * @param keyPrefix prefix of every key Ackline writes, so deployments sharing a Redis never share queues
 */
@ConfigurationProperties("ackline.redis")
record RedisSettings(@DefaultValue("redis://localhost:6379") String url, @DefaultValue("64") int poolSize,
		@DefaultValue("5s") Duration timeout, @DefaultValue("60s") Duration reclaimAfter,
		@DefaultValue("ackline:") String keyPrefix) {
}
