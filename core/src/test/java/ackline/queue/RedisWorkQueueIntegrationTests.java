package ackline.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the machine's Redis (README), under a key prefix of its own. */
class RedisWorkQueueIntegrationTests {

	private final JedisPooled redis = new JedisPooled(
			java.net.URI.create(ackline.testing.TestRedis.url()));

	private final String prefix = "test:" + UUID.randomUUID() + ":";

	private final RedisWorkQueue queue = new RedisWorkQueue(redis, prefix, Duration.ofMillis(200), 100_000);

	@AfterEach
	void cleanUp() {
		for (String key : redis.keys(prefix + "*")) {
			redis.del(key);
		}
		redis.close();
	}

	@Test
	void itemsAreTakenOnceAndGoneWhenDone() {
		queue.enqueue("q", List.of("1", "2", "3"));
		List<WorkQueue.Delivery> taken = drain("a", 3);
		assertThat(taken).extracting(WorkQueue.Delivery::item).containsExactly("1", "2", "3");
		queue.done("q", taken);
		assertThat(queue.take("q", "b", 10, Duration.ofMillis(50))).isEmpty();
		assertThat(queue.depth("q")).isZero();
	}

	@Test
	void itemsHeldByADeadConsumerAreHandedToAnotherAfterTheReclaimTime() throws InterruptedException {
		queue.enqueue("q", List.of("7"));
		assertThat(drain("dead", 1)).hasSize(1);
		Thread.sleep(300);
		List<WorkQueue.Delivery> reclaimed = queue.take("q", "alive", 10, Duration.ofMillis(50));
		assertThat(reclaimed).extracting(WorkQueue.Delivery::item).containsExactly("7");
	}

	@Test
	void aFlushedRedisIsNoticedAndTheQueueWorksAgain() {
		assertThat(queue.lostSinceLastCheck()).isTrue();
		assertThat(queue.lostSinceLastCheck()).isFalse();
		queue.enqueue("q", List.of("1"));
		drain("a", 1);
		for (String key : redis.keys(prefix + "*")) {
			redis.del(key);
		}
		assertThat(queue.lostSinceLastCheck()).isTrue();
		queue.enqueue("q", List.of("2"));
		assertThat(drain("a", 1)).extracting(WorkQueue.Delivery::item).containsExactly("2");
	}

	private List<WorkQueue.Delivery> drain(String consumer, int expected) {
		List<WorkQueue.Delivery> all = new ArrayList<>();
		for (int i = 0; i < 10 && all.size() < expected; i++) {
			all.addAll(queue.take("q", consumer, 10, Duration.ofMillis(100)));
		}
		return all;
	}

}
