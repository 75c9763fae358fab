package ackline.redis;

import java.time.Instant;
import java.util.Set;

import ackline.live.PresenceStore;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** Console presence in Redis: a set of watched agents, a sorted set of sessions per agent (score: last seen). */
final class RedisPresenceStore implements PresenceStore {

	private final UnifiedJedis jedis;

	private final String prefix;

	RedisPresenceStore(UnifiedJedis jedis, String keyPrefix) {
		this.jedis = jedis;
		this.prefix = keyPrefix + "presence:";
	}

	@Override
	public void seen(String agentId, String sessionId, Instant at) {
		jedis.zadd(prefix + "sessions:" + agentId, at.toEpochMilli(), sessionId);
		jedis.sadd(prefix + "agents", agentId);
	}

	@Override
	public void gone(String agentId, String sessionId) {
		jedis.zrem(prefix + "sessions:" + agentId, sessionId);
	}

	@Override
	public Set<String> agents() {
		return jedis.smembers(prefix + "agents");
	}

	@Override
	public long sessionsSince(String agentId, Instant since) {
		String key = prefix + "sessions:" + agentId;
		jedis.zremrangeByScore(key, Double.NEGATIVE_INFINITY, since.toEpochMilli() - 1);
		return jedis.zcard(key);
	}

	@Override
	public Instant absentSince(String agentId, Instant now) {
		String key = prefix + "absent:" + agentId;
		jedis.set(key, Long.toString(now.toEpochMilli()), SetParams.setParams().nx().ex(86_400));
		String value = jedis.get(key);
		return value == null ? now : Instant.ofEpochMilli(Long.parseLong(value));
	}

	@Override
	public void present(String agentId) {
		jedis.del(prefix + "absent:" + agentId);
	}

	@Override
	public void forget(String agentId) {
		jedis.srem(prefix + "agents", agentId);
		jedis.del(prefix + "absent:" + agentId, prefix + "sessions:" + agentId);
	}

}
