package ackline.redis;

import java.net.URI;

import ackline.notice.SmsSettings;
import ackline.queue.RedisWorkQueue;
import ackline.queue.WorkQueue;
import ackline.ratelimit.RedisRateLimiter;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires Redis through Jedis: one pooled client, the work queue and the SMS rate limiter on it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisSettings.class)
class RedisConfiguration {

	@Bean(destroyMethod = "close")
	UnifiedJedis jedis(RedisSettings settings) {
		GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
		pool.setMaxTotal(settings.poolSize());
		pool.setMaxIdle(settings.poolSize());
		pool.setMinIdle(2);
		pool.setTestWhileIdle(true);
		return new JedisPooled(address(settings), clientConfig(settings, settings.timeout()), pool);
	}

	/** Live messages to every node through pub/sub on a connection of its own (it blocks while subscribed). */
	@Bean(destroyMethod = "close")
	RedisLiveFanOut liveFanOut(UnifiedJedis jedis, RedisSettings settings) {
		// pings every 10 s keep a silent subscription from timing out and expose a dead one
		return new RedisLiveFanOut(jedis, address(settings), clientConfig(settings, java.time.Duration.ofSeconds(30)),
				settings.keyPrefix());
	}

	/** Which agents have a console open, across nodes (rebuildable: nodes report their sessions again). */
	@Bean
	RedisPresenceStore presenceStore(UnifiedJedis jedis, RedisSettings settings) {
		return new RedisPresenceStore(jedis, settings.keyPrefix());
	}

	private static HostAndPort address(RedisSettings settings) {
		URI uri = URI.create(settings.url());
		return new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
	}

	private static DefaultJedisClientConfig clientConfig(RedisSettings settings, java.time.Duration socketTimeout) {
		URI uri = URI.create(settings.url());
		DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
			.socketTimeoutMillis((int) socketTimeout.toMillis())
			.connectionTimeoutMillis((int) settings.timeout().toMillis())
			.ssl("rediss".equals(uri.getScheme()));
		if (uri.getUserInfo() != null) {
			String[] user = uri.getUserInfo().split(":", 2);
			if (user.length == 2) {
				if (!user[0].isEmpty()) {
					config.user(user[0]);
				}
				config.password(user[1]);
			}
			else {
				config.password(user[0]);
			}
		}
		String path = uri.getPath();
		if (path != null && path.length() > 1) {
			config.database(Integer.parseInt(path.substring(1)));
		}
		return config.build();
	}

	@Bean
	WorkQueue workQueue(UnifiedJedis jedis, RedisSettings settings) {
		return new RedisWorkQueue(jedis, settings.keyPrefix() + "q:", settings.reclaimAfter(), 2_000_000);
	}

	@Bean
	RedisRateLimiter smsRateLimiter(UnifiedJedis jedis, SmsSettings sms, RedisSettings settings) {
		return new RedisRateLimiter(jedis, settings.keyPrefix() + "rate:sms:", sms.ratePerSecond());
	}

	@Bean
	RedisHealthIndicator redisHealthIndicator(UnifiedJedis jedis, WorkQueue queue) {
		return new RedisHealthIndicator(jedis, queue);
	}

}
