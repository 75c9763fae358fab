package ackline.audit;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the hash-chained access audit on the application's PostgreSQL. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

	@Bean
	AuditLog auditLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock) {
		return new AuditLog(jdbc, transactions, clock);
	}

}
