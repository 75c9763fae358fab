package ackline.live;

import java.time.Clock;
import java.time.Duration;

import ackline.callback.LiveViews;
import ackline.notice.NoticeViews;
import ackline.security.StaffNames;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * Live consoles: STOMP over WebSocket at {@code /ws}, a simple broker per node, messages fanned out between nodes by
 * {@link LiveFanOut} (Redis pub/sub). Settings: {@code ackline.live.lanes} (threads building messages, default 4),
 * {@code ackline.live.wallboard-every} (figures at least this often, default 30 s), {@code ackline.live.heartbeat}
 * (STOMP heart-beats, default 10 s), {@code ackline.live.presence.pause-after} (an AVAILABLE agent without a console for
 * this long is paused, default 2 min; 0 = never), {@code ackline.live.presence.refresh-every} (20 s),
 * {@code ackline.live.presence.sweep-every} (15 s).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
class LiveConfiguration implements WebSocketMessageBrokerConfigurer {

	private final Duration heartbeat;

	private final org.springframework.beans.factory.ObjectProvider<ackline.audit.AuditLog> audit;

	LiveConfiguration(@Value("${ackline.live.heartbeat:10s}") Duration heartbeat,
			org.springframework.beans.factory.ObjectProvider<ackline.audit.AuditLog> audit) {
		this.heartbeat = heartbeat;
		this.audit = audit;
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		// same-origin only (Spring's default): another site's page cannot open a socket with our users' cookies
		registry.addEndpoint("/ws").addInterceptors(new LiveHandshake());
		registry.setErrorHandler(new LiveErrors());
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		ThreadPoolTaskScheduler beats = new ThreadPoolTaskScheduler();
		beats.setPoolSize(1);
		beats.setThreadNamePrefix("live-heartbeat-");
		beats.setDaemon(true);
		beats.initialize();
		registry.enableSimpleBroker("/topic", "/queue")
			.setHeartbeatValue(new long[] { heartbeat.toMillis(), heartbeat.toMillis() })
			.setTaskScheduler(beats);
		registry.setApplicationDestinationPrefixes("/app");
		registry.setUserDestinationPrefix("/user");
		registry.setPreservePublishOrder(true);
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.interceptors(new LiveAccess((user, command, destination, reason) -> {
			ackline.audit.AuditLog log = audit.getIfAvailable();
			if (log != null) {
				java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
				detail.put("command", command);
				detail.put("reason", reason);
				log.append(user, "LIVE_" + command + "_REFUSED", "LIVE_STREAM", destination, detail);
			}
		}));
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
		// a slow console is cut off rather than let its backlog grow without bound; it reconnects and re-syncs
		registration.setSendTimeLimit(15_000).setSendBufferSizeLimit(1024 * 1024);
	}

	@Bean
	LiveMessages liveMessages(LiveFanOut fanOut, SimpMessagingTemplate template, SimpUserRegistry users, JsonMapper json,
			Clock clock, MeterRegistry meters) {
		return new LiveMessages(fanOut, template, users, json, clock, meters);
	}

	@Bean(destroyMethod = "close")
	LivePublisher livePublisher(LiveMessages messages, LiveViews callbacks, NoticeViews notices, StaffNames names,
			ackline.evidence.export.EvidenceExports exports, Clock clock, @Value("${ackline.live.lanes:4}") int lanes,
			@Value("${ackline.live.wallboard-every:30s}") Duration wallboardEvery) {
		return new LivePublisher(messages, callbacks, notices, names, exports, clock, lanes, wallboardEvery);
	}

	@Bean
	ApplicationRunner liveStart(LiveMessages messages) {
		return args -> {
			messages.start();
			messages.announceStart();
		};
	}

	@Bean
	LiveSchedule liveSchedule(LiveMessages messages, LivePublisher publisher) {
		return new LiveSchedule(messages, publisher);
	}

	@Bean
	LivePresence livePresence(PresenceStore store, ackline.callback.Dialer dialer, Clock clock,
			@Value("${ackline.live.presence.pause-after:2m}") Duration pauseAfter,
			@Value("${ackline.live.presence.refresh-every:20s}") Duration refreshEvery) {
		return new LivePresence(store, dialer, clock, pauseAfter, refreshEvery);
	}

	@Bean
	PresenceSchedule presenceSchedule(LivePresence presence) {
		return new PresenceSchedule(presence);
	}

	static final class PresenceSchedule {

		private final LivePresence presence;

		PresenceSchedule(LivePresence presence) {
			this.presence = presence;
		}

		@Scheduled(fixedDelayString = "${ackline.live.presence.refresh-every:20s}")
		void refresh() {
			presence.refresh();
		}

		@Scheduled(fixedDelayString = "${ackline.live.presence.sweep-every:15s}", initialDelayString = "${ackline.live.presence.sweep-every:15s}")
		void sweep() {
			presence.sweep();
		}

	}

	static final class LiveSchedule {

		private final LiveMessages messages;

		private final LivePublisher publisher;

		LiveSchedule(LiveMessages messages, LivePublisher publisher) {
			this.messages = messages;
			this.publisher = publisher;
		}

		@Scheduled(fixedDelayString = "${ackline.live.refresh-every:1s}")
		void tick() {
			publisher.refreshWallboard();
			if (messages.hasMissed()) {
				messages.repairMissed();
			}
		}

	}

}
