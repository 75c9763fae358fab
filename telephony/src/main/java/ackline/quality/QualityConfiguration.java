package ackline.quality;

import java.time.Clock;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires quality assurance: scorecards of agents' calls. */
@Configuration(proxyBeanMethods = false)
class QualityConfiguration {

	@Bean
	Scorecards scorecards(JdbcClient jdbc, PlatformTransactionManager transactions, ApplicationEventPublisher events,
			Clock clock) {
		return new Scorecards(jdbc, transactions, events, clock);
	}

}
