package ackline.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * {@link WorkQueue} on Redis Streams with one consumer group per queue.
 *
 * <p>Entries left unacknowledged by a consumer that died are claimed by another after
 * {@code reclaimAfter}. Redis may lose everything (FLUSHALL, restart without persistence): a missing
 * consumer group is recreated on the spot, and a missing epoch key tells the reconciler to rebuild.
 */
public class RedisWorkQueue implements WorkQueue {

	private static final Logger log = LoggerFactory.getLogger(RedisWorkQueue.class);

	private static final String GROUP = "workers";

	private static final String FIELD = "item";

	private final UnifiedJedis redis;

	private final String prefix;

	private final Duration reclaimAfter;

	private final long maxLength;

	public RedisWorkQueue(UnifiedJedis redis, String prefix, Duration reclaimAfter, long maxLength) {
		this.redis = redis;
		this.prefix = prefix;
		this.reclaimAfter = reclaimAfter;
		this.maxLength = maxLength;
	}

	public RedisWorkQueue(UnifiedJedis redis) {
		this(redis, "ackline:q:", Duration.ofSeconds(60), 2_000_000);
	}

	@Override
	public void enqueue(String queue, Collection<String> items) {
		if (items.isEmpty()) {
			return;
		}
		String key = key(queue);
		XAddParams params = XAddParams.xAddParams().maxLen(maxLength).approximateTrimming();
		try (AbstractPipeline pipeline = redis.pipelined()) {
			for (String item : items) {
				pipeline.xadd(key, params, Map.of(FIELD, item));
			}
			pipeline.sync();
		}
	}

	@Override
	public List<Delivery> take(String queue, String consumer, int max, Duration wait) {
		String key = key(queue);
		List<Delivery> reclaimed = reclaim(key, consumer, max);
		if (!reclaimed.isEmpty()) {
			return reclaimed;
		}
		XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(max).block((int) wait.toMillis());
		List<Map.Entry<String, List<StreamEntry>>> read;
		try {
			read = redis.xreadGroup(GROUP, consumer, params, Map.of(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
		}
		catch (JedisDataException ex) {
			if (!isNoGroup(ex)) {
				throw ex;
			}
			createGroup(key);
			return List.of();
		}
		List<Delivery> deliveries = new ArrayList<>();
		if (read != null) {
			for (Map.Entry<String, List<StreamEntry>> stream : read) {
				for (StreamEntry entry : stream.getValue()) {
					deliveries.add(new Delivery(entry.getID().toString(), entry.getFields().get(FIELD)));
				}
			}
		}
		return deliveries;
	}

	private List<Delivery> reclaim(String key, String consumer, int max) {
		try {
			Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.xautoclaim(key, GROUP, consumer,
					reclaimAfter.toMillis(), new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(max));
			List<Delivery> deliveries = new ArrayList<>();
			for (StreamEntry entry : claimed.getValue()) {
				if (entry != null && entry.getFields() != null) {
					deliveries.add(new Delivery(entry.getID().toString(), entry.getFields().get(FIELD)));
				}
			}
			return deliveries;
		}
		catch (JedisDataException ex) {
			if (!isNoGroup(ex)) {
				throw ex;
			}
			createGroup(key);
			return List.of();
		}
	}

	@Override
	public void done(String queue, Collection<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		String key = key(queue);
		StreamEntryID[] ids = deliveries.stream().map(d -> new StreamEntryID(d.receipt())).toArray(StreamEntryID[]::new);
		try (AbstractPipeline pipeline = redis.pipelined()) {
			pipeline.xack(key, GROUP, ids);
			pipeline.xdel(key, ids);
			pipeline.sync();
		}
	}

	@Override
	public boolean lostSinceLastCheck() {
		String epochKey = prefix + "epoch";
		if (redis.exists(epochKey)) {
			return false;
		}
		String set = redis.set(epochKey, UUID.randomUUID().toString(), SetParams.setParams().nx());
		if ("OK".equals(set)) {
			log.warn("Work queues in Redis are new or were lost (flushed or restarted): rebuilding from PostgreSQL");
			return true;
		}
		return false;
	}

	@Override
	public long depth(String queue) {
		try {
			return redis.xlen(key(queue));
		}
		catch (JedisDataException ex) {
			return 0;
		}
	}

	private void createGroup(String key) {
		try {
			redis.xgroupCreate(key, GROUP, new StreamEntryID(0, 0), true);
		}
		catch (JedisDataException ex) {
			if (ex.getMessage() == null || !ex.getMessage().startsWith("BUSYGROUP")) {
				throw ex;
			}
		}
	}

	private static boolean isNoGroup(JedisDataException ex) {
		return ex.getMessage() != null && ex.getMessage().startsWith("NOGROUP");
	}

	private String key(String queue) {
		return prefix + queue;
	}

}
